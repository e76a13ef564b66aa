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

    /// <summary>The greeting the customer hears on answering, in the language they booked in (<c>sounds/engine-prompts.json</c>).</summary>
    public required EnginePrompts Words { get; init; }

    /// <summary>The board each attempt is listed on while it lasts (<c>/api/calls</c>, the dashboard, <c>status</c>); null: not listed.</summary>
    public CallBoard? Board { get; init; }

    /// <summary>The clock (when a bridge was made, re-announced to a new router incarnation).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Posts the agent's context when the reserved agent's phone starts ringing; null: no screen-pop.</summary>
    public Integrations.ScreenPop.IScreenPop? ScreenPop { get; init; }

    /// <summary>Loggers.</summary>
    public ILoggerFactory Logging { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The SIP URI for <paramref name="number"/>.</summary>
    public string TargetFor(string number) => Trunk.Replace("{number}", number.TrimStart('+'), StringComparison.Ordinal);
}
