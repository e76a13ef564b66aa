namespace Ivr.Engine.Asterisk.Ami;

/// <summary>A queue member's device state as app_queue reports it (<c>Status:</c> 0–8), and <see cref="Paused"/> when the member is paused.</summary>
public enum AmiMemberStatus
{
    /// <summary>0: unknown.</summary>
    Unknown = 0,

    /// <summary>1: not in use (free).</summary>
    NotInUse = 1,

    /// <summary>2: in use.</summary>
    InUse = 2,

    /// <summary>3: busy.</summary>
    Busy = 3,

    /// <summary>4: invalid.</summary>
    Invalid = 4,

    /// <summary>5: unavailable (not registered).</summary>
    Unavailable = 5,

    /// <summary>6: ringing.</summary>
    Ringing = 6,

    /// <summary>7: ringing while in use.</summary>
    RingInUse = 7,

    /// <summary>8: on hold.</summary>
    OnHold = 8,

    /// <summary>Paused (<c>Paused: 1</c>), whatever its device state.</summary>
    Paused = 100,
}
