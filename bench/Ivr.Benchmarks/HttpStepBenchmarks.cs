using BenchmarkDotNet.Attributes;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;

namespace Ivr.Benchmarks;

/// <summary>
/// What an <c>http</c> step costs the flow runtime per call, network aside: the request effect (path rendered with
/// URL-encoded values), then the answer judged — a customer JSON parsed and two fields mapped by JSON pointer — or a failure.
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class HttpStepBenchmarks
{
    private const string Customer = """{ "account": "4242", "name": "Ada Lovelace", "plan": { "tier": "gold", "since": 2019 }, "tags": ["vip", "fr"] }""";
    private static readonly CallInfo Call = new("bench-call", "+33612345678", "Ada", "+33100000000");
    private static readonly HttpResult Found = HttpResult.Response(200, Customer);
    private static readonly HttpResult TimedOut = HttpResult.Failed(HttpErrors.Timeout);
    private CompiledFlow _flow = null!;

    /// <summary>Compiles a flow: set account → http (2 mapped fields) → hangup, with onError → hangup.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Step[] steps =
        [
            new SetStep { Name = "account", Pointer = "/steps/account", Values = new Dictionary<string, string> { ["account"] = "4242 / 7" }, Next = "lookup" },
            new HttpStep
            {
                Name = "lookup", Pointer = "/steps/lookup", Service = "crm", Path = "/customers/{account}?from={caller.number}",
                Map = new Dictionary<string, string> { ["name"] = "/name", ["tier"] = "/plan/tier" }, Next = "done", OnError = "failed",
            },
            new HangupStep { Name = "done", Pointer = "/steps/done" },
            new HangupStep { Name = "failed", Pointer = "/steps/failed" },
        ];
        _flow = FlowCompiler.Compile(new FlowDocument
        {
            Id = "bench-http",
            Version = "1.0.0",
            Language = "en-US",
            Languages = ["en-US"],
            Start = "account",
            Steps = steps.ToDictionary(s => s.Name),
            Prompts = new Dictionary<string, PromptDefinition>(),
            Variables = new Dictionary<string, string> { ["account"] = "", ["name"] = "", ["tier"] = "" },
            Calendars = new Dictionary<string, Calendar>(),
            Source = SourceInfo.InMemory("bench-http"),
        });
        if (Answered().GetVariable("name") != "Ada Lovelace") throw new InvalidOperationException("the benchmark flow does not map the name");
    }

    /// <summary>A run to the http step, its request, a 2xx customer answer mapped to two variables, to the end.</summary>
    [Benchmark(Baseline = true)]
    public FlowRun Answered()
    {
        var run = _flow.CreateRun(NullHost.Instance, Call, TimeProvider.System);
        run.Start();
        run.HttpResult(Found);
        return run;
    }

    /// <summary>The same run whose request timed out (no JSON read): the cost of the step without the answer's parsing.</summary>
    [Benchmark]
    public FlowRun TimedOutRun()
    {
        var run = _flow.CreateRun(NullHost.Instance, Call, TimeProvider.System);
        run.Start();
        run.HttpResult(TimedOut);
        return run;
    }
}
