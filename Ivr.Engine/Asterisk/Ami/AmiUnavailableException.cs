namespace Ivr.Engine.Asterisk.Ami;

/// <summary>An action could not be answered: the AMI connection is down, was lost before the answer, or the answer did not come in time.</summary>
public sealed class AmiUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AmiUnavailableException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AmiUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AmiUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
