namespace Ivr.Fuzz.Targets;

/// <summary>
/// The fuzz targets, each a "one input" function shared by the AFL++ harness (<c>fuzz/Ivr.Fuzz</c>) and the corpus
/// replay test in <c>Ivr.Tests</c>. A target returns normally for accepted and refused input alike; any exception it
/// lets out (including <see cref="FuzzInvariantException"/>) is a finding.
/// </summary>
public static class FuzzTarget
{
    /// <summary>Target names, as given to the harness and used for the corpus folders.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sip", "sdp", "rtp", "flow"];

    /// <summary>The one-input function of <paramref name="name"/>, or null when there is no such target.</summary>
    public static Action<byte[]>? Find(string name) => name switch
    {
        "sip" => SipTarget.Run,
        "sdp" => SdpTarget.Run,
        "rtp" => RtpTarget.Run,
        "flow" => FlowTarget.Run,
        _ => null,
    };
}
