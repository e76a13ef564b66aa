using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using static Ivr.Flows.Loading.BindContext;

namespace Ivr.Flows.Loading;

/// <summary>The registry that turns a step object into its model record, keyed by the JSON <c>"type"</c>.</summary>
internal static class StepBinders
{
    /// <summary>Bind function per step kind; the keys are the kinds flows.schema.json allows.</summary>
    public static readonly IReadOnlyDictionary<string, Func<BindContext, StepHeader, PositionedNode, Step>> ByKind =
        new Dictionary<string, Func<BindContext, StepHeader, PositionedNode, Step>>(StringComparer.Ordinal)
        {
            ["play"] = Play,
            ["menu"] = Menu,
            ["digits"] = Digits,
            ["branch"] = Branch,
            ["set"] = Set,
            ["queue"] = Queue,
            ["transfer"] = Transfer,
            ["message"] = Message,
            ["callback"] = Callback,
            ["hangup"] = Hangup,
            ["goto"] = Goto,
            ["subflow"] = Subflow,
            ["return"] = Return,
            ["http"] = Http,
            ["survey"] = Survey,
        };

    private static Step Play(BindContext cx, StepHeader h, PositionedNode o) => new PlayStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Prompt = Prompt(o["prompt"]!),
        Next = Str(o, "next"),
        BargeIn = Bool(o, "bargeIn", true),
    };

    private static Step Menu(BindContext cx, StepHeader h, PositionedNode o) => new MenuStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Prompt = Prompt(o["prompt"]!),
        Choices = (o["choices"]?.Items ?? []).Select(Choice).ToArray(),
        Timeout = Double(o, "timeout", 5),
        MaxRetries = Int(o, "maxRetries", 3),
        NoInput = Prompts(o, "noInput"),
        NoMatch = Prompts(o, "noMatch"),
        OnExhausted = Str(o, "onExhausted"),
        BargeIn = Bool(o, "bargeIn", true),
        Speech = Bool(o, "speech", true),
        MinConfidence = Double(o, "minConfidence", 0.5),
        Reprompt = Bool(o, "reprompt", true),
    };

    private static MenuChoice Choice(PositionedNode c)
    {
        var keys = c["keys"]?.Items.Select(k => k.String!).ToArray() ?? [];
        var phrases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        switch (c["phrases"])
        {
            case { Kind: PositionedNodeKind.Array } all:
                phrases["*"] = all.Items.Select(p => p.String!).ToArray();
                break;
            case { Kind: PositionedNodeKind.Object } perLocale:
                foreach (var p in perLocale.Properties) phrases[p.Name] = p.Value.Items.Select(x => x.String!).ToArray();
                break;
        }
        return new MenuChoice(keys, phrases, Str(c, "next"), OptString(c, "language"), StringMap(c["set"]), c.Pointer);
    }

    private static Step Digits(BindContext cx, StepHeader h, PositionedNode o) => new DigitsStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Prompt = Prompt(o["prompt"]!),
        Variable = Str(o, "variable"),
        Min = Int(o, "min", 1),
        Max = Int(o, "max", 1),
        Terminator = Str(o, "terminator", "#"),
        Timeout = Double(o, "timeout", 5),
        InterDigitTimeout = Double(o, "interDigitTimeout", 3),
        Pattern = OptString(o, "pattern"),
        MaxRetries = Int(o, "maxRetries", 3),
        NoInput = Prompts(o, "noInput"),
        NoMatch = Prompts(o, "noMatch"),
        Next = Str(o, "next"),
        OnExhausted = Str(o, "onExhausted"),
        BargeIn = Bool(o, "bargeIn", true),
    };

    private static Step Branch(BindContext cx, StepHeader h, PositionedNode o) => new BranchStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Conditions = (o["conditions"]?.Items ?? [])
            .Select(c => new BranchCase(Condition(c["when"]!), Str(c, "next"), c.Pointer))
            .ToArray(),
        Else = Str(o, "else"),
    };

    /// <summary>Binds a condition; the schema guarantees exactly one of its forms.</summary>
    internal static Condition Condition(PositionedNode c)
    {
        if (c["all"] is { } all) return new AllCondition(all.Items.Select(Condition).ToArray(), c.Pointer);
        if (c["any"] is { } any) return new AnyCondition(any.Items.Select(Condition).ToArray(), c.Pointer);
        if (c["not"] is { } not) return new NotCondition(Condition(not), c.Pointer);
        if (c["calendar"] is { } calendar) return new CalendarCondition(calendar.String!, Str(c, "is") == "open", c.Pointer);
        var op = Str(c, "op") switch
        {
            "notEquals" => ConditionOp.NotEquals,
            "startsWith" => ConditionOp.StartsWith,
            "matches" => ConditionOp.Matches,
            "in" => ConditionOp.In,
            "empty" => ConditionOp.Empty,
            "notEmpty" => ConditionOp.NotEmpty,
            "lessThan" => ConditionOp.LessThan,
            "greaterThan" => ConditionOp.GreaterThan,
            _ => ConditionOp.Equals,
        };
        IReadOnlyList<string> values = c["value"] switch
        {
            null => [],
            { Kind: PositionedNodeKind.Array } list => list.Items.Select(Text).ToArray(),
            var one => [Text(one)],
        };
        return new VarCondition(Str(c, "var"), op, values, c.Pointer);
    }

    private static Step Set(BindContext cx, StepHeader h, PositionedNode o) => new SetStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Values = StringMap(o["values"]),
        Next = Str(o, "next"),
    };

    private static Step Queue(BindContext cx, StepHeader h, PositionedNode o) => new QueueStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Skill = Str(o, "skill"),
        Priority = Int(o, "priority", 5),
        Announce = o["announce"] is { } a
            ? new QueueAnnounce(Bool(a, "position", false), Bool(a, "expectedWait", false), Double(a, "every", 60))
            : null,
        Hold = OptPrompt(o, "hold"),
        Offer = o["offer"] is { } offer ? Offer(offer) : null,
        Overflow = o["overflow"] is { } ov ? new QueueOverflow(Double(ov, "after", 0), Str(ov, "skill")) : null,
        MaxWait = OptDouble(o, "maxWait"),
        PreferLastAgent = o["preferLastAgent"] is { } prefer ? new PreferLastAgent(Double(prefer, "withinHours", 24), Double(prefer, "waitSeconds", 0)) : null,
        ForAgent = ForAgent(o),
        OnCallback = Str(o, "onCallback"),
        OnMessage = Str(o, "onMessage"),
        OnFailure = Str(o, "onFailure"),
        AfterAgent = OptString(o, "afterAgent"),
    };

    private static string[] ForAgent(PositionedNode o) => o["forAgent"]?.Items.Select(v => v.String!).ToArray() ?? [];

    private static OfferPolicy Offer(PositionedNode o)
    {
        var keys = o["keys"];
        return new OfferPolicy
        {
            Callback = Bool(o, "callback", true),
            Message = Bool(o, "message", false),
            WhenWaitOver = OptDouble(o, "whenWaitOver"),
            WhenAbandonRateOver = OptDouble(o, "whenAbandonRateOver"),
            WhenQueueLongerThan = OptInt(o, "whenQueueLongerThan"),
            WhenLikelyToAbandon = OptDouble(o, "whenLikelyToAbandon"),
            ReofferEvery = OptDouble(o, "reofferEvery"),
            Prompt = OptPrompt(o, "prompt"),
            CallbackKey = keys is null ? "1" : Str(keys, "callback", "1"),
            MessageKey = keys is null ? "2" : Str(keys, "message", "2"),
            StayKey = keys is null ? "3" : Str(keys, "stay", "3"),
        };
    }

    private static Step Transfer(BindContext cx, StepHeader h, PositionedNode o) => new TransferStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        To = Str(o, "to"),
        Method = Str(o, "method", "refer") == "bridge" ? TransferMethod.Bridge : TransferMethod.Refer,
        Prompt = OptPrompt(o, "prompt"),
        OnFailure = Str(o, "onFailure"),
    };

    private static Step Message(BindContext cx, StepHeader h, PositionedNode o) => new MessageStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Prompt = OptPrompt(o, "prompt"),
        MaxLength = Double(o, "maxLength", 120),
        Beep = Bool(o, "beep", true),
        Skill = OptString(o, "skill"),
        FinishKey = Str(o, "finishKey", "#"),
        Next = Str(o, "next"),
        OnError = OptString(o, "onError"),
    };

    private static Step Callback(BindContext cx, StepHeader h, PositionedNode o) => new CallbackStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Prompt = OptPrompt(o, "prompt"),
        Skill = OptString(o, "skill"),
        AllowOtherNumber = Bool(o, "allowOtherNumber", true),
        NumberPrompt = OptPrompt(o, "numberPrompt"),
        MaxRetries = Int(o, "maxRetries", 3),
        Next = Str(o, "next"),
        OnDeclined = Str(o, "onDeclined"),
    };

    private static Step Hangup(BindContext cx, StepHeader h, PositionedNode o) => new HangupStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Prompt = OptPrompt(o, "prompt"),
        Reason = Str(o, "reason", "normal"),
    };

    private static Step Goto(BindContext cx, StepHeader h, PositionedNode o) => new GotoStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Target = Str(o, "target"),
    };

    private static Step Subflow(BindContext cx, StepHeader h, PositionedNode o) => new SubflowStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
        Flow = Str(o, "flow"),
        Next = Str(o, "next"),
    };

    private static Step Return(BindContext cx, StepHeader h, PositionedNode o) => new ReturnStep
    {
        Name = h.Name,
        Pointer = h.Pointer,
        Description = h.Description,
    };

    private static Step Http(BindContext cx, StepHeader h, PositionedNode o)
    {
        var method = Str(o, "method", "GET") == "POST" ? HttpStepMethod.Post : HttpStepMethod.Get;
        var body = o["body"];
        if (body is not null && method == HttpStepMethod.Get)
        {
            cx.Error(DiagnosticCodes.ValueNotAllowed, body, $"step '{h.Name}' sends a body with GET",
                "set \"method\": \"POST\" to send a JSON body, or remove 'body'");
        }
        return new HttpStep
        {
            Name = h.Name,
            Pointer = h.Pointer,
            Description = h.Description,
            Service = Str(o, "service"),
            Method = method,
            Path = Str(o, "path", "/"),
            Body = body is null ? null : StringMap(body),
            Timeout = Double(o, "timeout", 2),
            Map = StringMap(o["map"]),
            Filler = OptPrompt(o, "filler"),
            Next = Str(o, "next"),
            OnError = Str(o, "onError"),
        };
    }

    private static Step Survey(BindContext cx, StepHeader h, PositionedNode o)
    {
        var phrases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (o["phrases"] is { Kind: PositionedNodeKind.Object } perLocale)
        {
            foreach (var p in perLocale.Properties) phrases[p.Name] = p.Value.Items.Select(x => x.String!).ToArray();
        }
        return new SurveyStep
        {
            Name = h.Name,
            Pointer = h.Pointer,
            Description = h.Description,
            Questions = (o["questions"]?.Items ?? []).Select(q => Prompt(q["prompt"]!)).ToArray(),
            Thanks = Prompt(o["thanks"]!),
            Next = Str(o, "next"),
            Timeout = Double(o, "timeout", 5),
            MaxRetries = Int(o, "maxRetries", 2),
            NoInput = Prompts(o, "noInput"),
            NoMatch = Prompts(o, "noMatch"),
            Speech = Bool(o, "speech", true),
            MinConfidence = Double(o, "minConfidence", 0.5),
            Phrases = phrases,
        };
    }
}
