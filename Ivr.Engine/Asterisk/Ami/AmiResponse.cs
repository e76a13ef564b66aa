namespace Ivr.Engine.Asterisk.Ami;

/// <summary>The answer to an action: its response packet and, for a list action (<c>EventList: start</c>), the events of the list up to its <c>…Complete</c> event (included).</summary>
/// <param name="Message">The response packet.</param>
/// <param name="Events">The list's events in order; empty for a plain action.</param>
public sealed record AmiResponse(AmiMessage Message, IReadOnlyList<AmiMessage> Events)
{
    /// <summary>True when Asterisk answered <c>Success</c> (or <c>Follows</c>).</summary>
    public bool IsSuccess => Message.IsSuccess;

    /// <summary>The first value of <paramref name="key"/> in the response.</summary>
    public string? this[string key] => Message[key];
}
