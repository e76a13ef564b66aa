namespace Ivr.Engine.Asterisk.Ami;

/// <summary>The AMI connection failed for <see cref="Reason"/> (the metric's tag): it is reset and retried after a back-off.</summary>
internal sealed class AmiLinkException : Exception
{
    public AmiLinkException(string reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    public string Reason { get; }
}
