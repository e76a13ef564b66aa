namespace Ivr.Engine.Events;

/// <summary>One event of a call's life, before it is encoded as a CloudEvent.</summary>
/// <param name="Type">One of <see cref="CallEventTypes"/>.</param>
/// <param name="Data">Its data.</param>
public sealed record CallEvent(string Type, CallEventData Data)
{
    /// <summary>The CloudEvent's <c>id</c>: the call id and the event's sequence in the call, so a rewrite gives the same id.</summary>
    public string Id => Data.CallId + "/" + Data.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
