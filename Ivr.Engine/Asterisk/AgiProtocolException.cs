namespace Ivr.Engine.Asterisk;

/// <summary>The AGI peer sent something that is not AGI (a bad environment or reply, a line too long); the session ends.</summary>
public sealed class AgiProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgiProtocolException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AgiProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AgiProtocolException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
