namespace Ivr.Engine.Asterisk.Ami;

/// <summary>The AMI peer sent something that is not AMI, or too much of it; the connection is reset.</summary>
public sealed class AmiProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AmiProtocolException()
        : this("malformed", "malformed AMI input")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> (reason <c>malformed</c>).</summary>
    public AmiProtocolException(string message)
        : this("malformed", message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause (reason <c>malformed</c>).</summary>
    public AmiProtocolException(string message, Exception inner)
        : base(message, inner)
    {
        Reason = "malformed";
    }

    /// <summary>Creates the exception for <paramref name="reason"/> (the metric's tag) with <paramref name="message"/>.</summary>
    public AmiProtocolException(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>
    /// Why, as counted in <c>ivr_ami_errors_total{reason}</c>: <c>banner</c>, <c>line-too-long</c>, <c>packet-too-large</c>,
    /// <c>too-many-keys</c>, <c>malformed</c>, <c>control-character</c>.
    /// </summary>
    public string Reason { get; }
}
