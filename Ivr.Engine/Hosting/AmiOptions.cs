namespace Ivr.Engine.Hosting;

/// <summary>One Asterisk's AMI connection (<c>Asterisk:Ami:NAME:*</c>; docs/asterisk.md, "AMI").</summary>
public sealed class AmiOptions
{
    /// <summary>The manager's address or host name (required).</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The manager's port. Default 5038.</summary>
    public int Port { get; set; } = 5038;

    /// <summary>The <c>manager.conf</c> user (required).</summary>
    public string User { get; set; } = string.Empty;

    /// <summary>Its secret (required).</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary><c>md5</c> (the default: the challenge login, the secret never crosses the wire) or <c>plain</c>.</summary>
    public string AuthType { get; set; } = "md5";

    /// <summary>The event classes asked for at login. Default <c>agent</c> (app_queue's events; the user's <c>read</c> classes must include them).</summary>
    public string Events { get; set; } = "agent";

    /// <summary>How often a <c>Ping</c> checks the connection. Default 10 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an action may wait for its answer (a <c>Ping</c> that misses it resets the connection). Default 5 s.</summary>
    public TimeSpan ActionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest reconnect delay (the back-off starts at 250 ms and doubles up to this). Default 4 s.</summary>
    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Watch this Asterisk's app_queue queues and show them as skills <c>asterisk:NAME/QUEUE</c>. Default true.</summary>
    public bool WatchQueues { get; set; } = true;
}
