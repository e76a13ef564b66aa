using System.Globalization;
using System.Text;
using System.Text.Json;
using Ivr.Flows.Json;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>
/// Asks the host for an HTTP request and plays the optional filler (again each time it ends) while the answer is awaited. A
/// 2xx JSON answer holding every mapped pointer sets the mapped variables and leaves through <c>next</c>; any other answer or
/// failure sets <c>http.error</c> (one of <see cref="HttpErrors"/>) and leaves through <c>onError</c>. Keys pressed meanwhile
/// are ignored. <c>http.status</c> holds the status of the last answer, empty when none came back.
/// </summary>
internal sealed class HttpBehavior : StepBehavior<HttpStep, HttpBehavior.Plan>
{
    private const int MaxJsonDepth = 64;
    private const byte Waiting = 0;
    private const byte Answered = 1;

    public override string Kind => "http";

    protected override Plan Build(HttpStep step, FlowCompileContext ctx)
    {
        var body = step.Body?.Select(p => (p.Key, Template.Parse(p.Value, ctx.Variables))).ToArray();
        var map = step.Map.Select(p => (ctx.Variables.Slot(p.Key), p.Value)).ToArray();
        return new Plan(step.Name, step.Service, step.Method, Template.Parse(step.Path, ctx.Variables), body, TimeSpan.FromSeconds(step.Timeout),
            map, PromptPlan.CompileOptional(step.Filler, ctx));
    }

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        // Nothing of an earlier http step may be read as this one's answer.
        run.SetValue(VariableTable.HttpStatus, string.Empty);
        run.SetValue(VariableTable.HttpError, string.Empty);
        if (plan.Path.RenderUrlPath(run.Values) is not { } path)
        {
            run.Phase = Answered;
            run.SetValue(VariableTable.HttpError, HttpErrors.BadPath);
            run.Observer?.HttpAnswered(run, step, Runtime.HttpResult.Failed(HttpErrors.BadPath), HttpErrors.BadPath);
            run.Go(1);
            return;
        }
        run.Await(FlowWait.Http);
        run.Emit(new HttpRequestEffect(plan.Step, plan.Service, plan.Method, path, Body(plan, run.Values), plan.Timeout, plan.Map.Length > 0));
        // An answer given from inside Emit is queued until this handler returns, and then cuts the filler at once.
        PlayFiller(run, plan);
    }

    public override void PromptFinished(FlowRun run, CompiledStep step)
    {
        if (run.Phase == Waiting) PlayFiller(run, PlanOf(step));
    }

    public override void HttpResult(FlowRun run, CompiledStep step, HttpResult result)
    {
        if (run.Phase != Waiting) return;
        run.Phase = Answered;
        run.SetValue(VariableTable.HttpStatus, result.Status > 0 ? result.Status.ToString(CultureInfo.InvariantCulture) : string.Empty);
        var error = result.Error ?? Apply(PlanOf(step), run, result);
        run.SetValue(VariableTable.HttpError, error ?? string.Empty);
        run.Observer?.HttpAnswered(run, step, result, error);
        run.Go(error is null ? 0 : 1);
    }

    /// <summary>Judges a response and sets the mapped variables; the error code, or null when every field was found.</summary>
    private static string? Apply(Plan plan, FlowRun run, HttpResult result)
    {
        if (result.Status is < 200 or > 299) return HttpErrors.Status;
        if (plan.Map.Length == 0) return null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(result.Body ?? string.Empty, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException)
        {
            return HttpErrors.BadJson;
        }
        using (doc)
        {
            var values = new string[plan.Map.Length];
            for (var i = 0; i < plan.Map.Length; i++)
            {
                if (!JsonPointer.TryResolve(doc.RootElement, plan.Map[i].Pointer, out var value)) return HttpErrors.MissingField;
                values[i] = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Null => string.Empty,
                    _ => value.GetRawText(),
                };
            }
            // All or nothing: a partly mapped answer leaves no variable half-updated.
            for (var i = 0; i < values.Length; i++) run.SetValue(plan.Map[i].Slot, values[i]);
        }
        return null;
    }

    private static void PlayFiller(FlowRun run, Plan plan)
    {
        if (plan.Filler is not null) run.Play(plan.Filler.Resolve(run.Locale, run.Values), false);
    }

    private static string? Body(Plan plan, string[] values)
    {
        if (plan.Method != HttpStepMethod.Post) return null;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, template) in plan.Body ?? []) json.WriteString(name, template.Render(values));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal sealed record Plan(
        string Step,
        string Service,
        HttpStepMethod Method,
        Template Path,
        (string Name, Template Value)[]? Body,
        TimeSpan Timeout,
        (int Slot, string Pointer)[] Map,
        PromptPlan? Filler);
}
