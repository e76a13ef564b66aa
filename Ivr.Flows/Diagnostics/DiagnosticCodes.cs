namespace Ivr.Flows.Diagnostics;

/// <summary>
/// Every diagnostic code the flow tool chain emits. Codes are stable: once published a code keeps its meaning.
/// IVR0xx reading the file, IVR1xx schema, IVR2xx graph and steps, IVR3xx prompts, variables and calendars.
/// </summary>
public static class DiagnosticCodes
{
    // Reading the file.
    public const string FileNotFound = "IVR001";
    public const string EmptyFile = "IVR002";
    public const string InvalidJson = "IVR003";
    public const string FileTooLarge = "IVR004";
    public const string NestingTooDeep = "IVR005";
    public const string DuplicateProperty = "IVR006";
    public const string NotUtf8 = "IVR007";

    // Schema (flows.schema.json).
    public const string SchemaViolation = "IVR100";
    public const string MissingProperty = "IVR101";
    public const string UnknownProperty = "IVR102";
    public const string WrongType = "IVR103";
    public const string ValueNotAllowed = "IVR104";
    public const string PatternMismatch = "IVR105";
    public const string OutOfRange = "IVR106";
    public const string UnknownStepType = "IVR107";
    public const string WrongCount = "IVR108";
    public const string DuplicateItem = "IVR109";

    // Graph and steps.
    public const string UnknownTarget = "IVR201";
    public const string UnreachableStep = "IVR202";
    public const string DeadEnd = "IVR203";
    public const string LoopWithoutExit = "IVR204";
    public const string RetriesWithoutLimit = "IVR205";
    public const string DuplicateDtmfKey = "IVR206";
    public const string UnknownStart = "IVR207";
    public const string UnknownSubflow = "IVR208";
    public const string ReturnOutsideSubflow = "IVR209";
    public const string DuplicatePhrase = "IVR210";
    public const string InvalidDigitsRange = "IVR211";
    public const string TerminatorIsChoiceKey = "IVR212";
    public const string ChoiceNeverSelectable = "IVR213";
    public const string LintRuleFailed = "IVR214";

    // Prompts, variables, calendars.
    public const string UnknownPrompt = "IVR301";
    public const string SoundFileMissing = "IVR302";
    public const string PromptMissingLocale = "IVR303";
    public const string UnknownVariable = "IVR304";
    public const string UnknownCalendar = "IVR305";
    public const string InvalidRegex = "IVR306";
    public const string UnknownTimeZone = "IVR307";
    public const string ReadOnlyVariable = "IVR308";
    public const string UnusedPrompt = "IVR309";
    public const string InvalidHours = "IVR310";
    public const string UnsupportedLanguage = "IVR311";

    /// <summary>A speech menu phrase the configured recognizer cannot listen for (the engine checks it, not <c>FlowLinter</c>).</summary>
    public const string UnrecognisablePhrase = "IVR312";

    /// <summary>A <c>message</c> step with a <c>skill</c> and no <c>onError</c>: a message that cannot be stored ends the call.</summary>
    public const string MessageWithoutOnError = "IVR313";

    /// <summary>An <c>http</c> step with no <c>filler</c>: the caller hears silence while the service answers.</summary>
    public const string HttpWithoutFiller = "IVR314";

    /// <summary>A <c>queue</c> step that holds a caller for their last agent at least as long as its <c>maxWait</c>.</summary>
    public const string PreferLastAgentOutlastsWait = "IVR315";
    /// <summary>A <c>queue</c> step's <c>forAgent</c> names a variable that is never declared, collected or set.</summary>
    public const string ForAgentUnknownVariable = "IVR316";
}
