using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Engine.Calls;

/// <summary>What <see cref="CallbackCalls"/> need.</summary>
/// <param name="Outbound">Places the customer and agent legs.</param>
/// <param name="Prompts">Prompt audio ("this is your callback…", hold music while the agent rings).</param>
/// <param name="Trunk">SIP URI template of the outbound proxy or trunk; <c>{number}</c> is the E.164 number without '+'.</param>
public sealed record CallbackDialerSettings(OutboundDialer Outbound, IPromptClipProvider Prompts, string Trunk)
{
    /// <summary>How long the customer's phone rings.</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>What the customer hears on answering, before the agent is rung, when their language has no greeting (rendered from <c>sounds/engine-prompts.json</c>).</summary>
    public ResolvedPrompt Greeting { get; init; } = new("callback-greeting", "en-US", "en-US/callback_greeting.wav",
        "Hello, this is your callback. Please hold while we connect you to an agent.");

    /// <summary>The greeting in each language a caller may have booked in (the hotline's; rendered from <c>sounds/engine-prompts.json</c>).</summary>
    public IReadOnlyDictionary<string, ResolvedPrompt> Greetings { get; init; } = new Dictionary<string, ResolvedPrompt>(StringComparer.OrdinalIgnoreCase)
    {
        ["fr-FR"] = new("callback-greeting", "fr-FR", "fr-FR/callback_greeting.wav",
            "Bonjour, ici votre rappel. Veuillez patienter, nous vous mettons en relation avec un conseiller."),
    };

    /// <summary>
    /// The greeting for a caller who booked in <paramref name="language"/>: that language's, else one of the same language
    /// (<c>fr</c> or <c>fr-CA</c> → <c>fr-FR</c>), else <see cref="Greeting"/>.
    /// </summary>
    public ResolvedPrompt GreetingFor(string? language)
    {
        if (string.IsNullOrEmpty(language)) return Greeting;
        if (Greetings.TryGetValue(language, out var exact)) return exact;
        var primary = language.Split('-')[0];
        if (string.Equals(primary, Greeting.Locale.Split('-')[0], StringComparison.OrdinalIgnoreCase)) return Greeting;
        return Greetings.FirstOrDefault(g => string.Equals(g.Key.Split('-')[0], primary, StringComparison.OrdinalIgnoreCase)).Value ?? Greeting;
    }

    /// <summary>Loggers.</summary>
    public ILoggerFactory Logging { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The SIP URI for <paramref name="number"/>.</summary>
    public string TargetFor(string number) => Trunk.Replace("{number}", number.TrimStart('+'), StringComparison.Ordinal);
}
