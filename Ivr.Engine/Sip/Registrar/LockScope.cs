namespace Ivr.Engine.Sip.Registrar;

/// <summary>What a REGISTER lockout applies to (<see cref="RegisterLockout"/>).</summary>
[Flags]
public enum LockScope
{
    /// <summary>Not locked.</summary>
    None = 0,

    /// <summary>The source address, for every user it tries.</summary>
    Source = 1,

    /// <summary>The user, from every address that has not authenticated as it recently.</summary>
    User = 2,
}
