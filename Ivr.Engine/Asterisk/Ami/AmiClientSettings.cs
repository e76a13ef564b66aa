namespace Ivr.Engine.Asterisk.Ami;

/// <summary>One configured Asterisk's AMI connection (<c>Asterisk:Ami:NAME:*</c>; docs/asterisk.md, "AMI").</summary>
/// <param name="Name">The name the settings give this Asterisk (metrics, logs, skill names).</param>
/// <param name="Host">Its manager address or host name.</param>
/// <param name="Port">Its manager port (<c>manager.conf</c> <c>port</c>, usually 5038).</param>
/// <param name="User">The <c>manager.conf</c> user.</param>
/// <param name="Secret">Its secret.</param>
public sealed record AmiClientSettings(string Name, string Host, int Port, string User, string Secret)
{
    /// <summary>Log in with the MD5 challenge (the default; the secret never crosses the wire) or, when false, in plain text.</summary>
    public bool Md5 { get; init; } = true;

    /// <summary>The event classes asked for at login (<c>Events:</c> of <c>Login</c>: <c>on</c>, <c>off</c>, or classes such as <c>agent,call</c>). Default <c>on</c>.</summary>
    public string Events { get; init; } = "on";

    /// <summary>How often a <c>Ping</c> checks a quiet connection. Default 10 s.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an action (the keep-alive <c>Ping</c> included) may wait for its answer. Default 5 s.</summary>
    public TimeSpan ActionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the TCP connection, the banner and the login may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reconnect delays.</summary>
    public AmiBackoff Backoff { get; init; } = AmiBackoff.Default;

    /// <summary>Packet limits.</summary>
    public AmiLimits Limits { get; init; } = AmiLimits.Default;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Host}:{Port}, user {User})";
}
