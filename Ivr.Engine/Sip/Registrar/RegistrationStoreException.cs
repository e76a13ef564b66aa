namespace Ivr.Engine.Sip.Registrar;

/// <summary>A registration store could not read or write (database down, disk full, timeout); nothing was changed.</summary>
public sealed class RegistrationStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistrationStoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RegistrationStoreException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the provider's exception.</summary>
    public RegistrationStoreException(string message, Exception inner) : base(message, inner)
    {
    }
}
