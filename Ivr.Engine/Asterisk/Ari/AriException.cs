namespace Ivr.Engine.Asterisk.Ari;

/// <summary>An ARI request that failed: Asterisk unreachable, credentials refused, or an answer that is not what ARI documents.</summary>
public sealed class AriException : Exception
{
    /// <summary>A failure of <paramref name="reason"/> (the counter's tag: <c>connect</c>, <c>auth</c>, <c>status</c>, <c>timeout</c>, <c>reply</c>).</summary>
    public AriException(string reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    /// <summary>Why, as counted in <c>ivr_asterisk_ari_errors_total{reason}</c>.</summary>
    public string Reason { get; }
}
