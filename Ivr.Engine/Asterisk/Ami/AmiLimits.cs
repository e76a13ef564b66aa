namespace Ivr.Engine.Asterisk.Ami;

/// <summary>
/// How much one AMI packet may hold before the parser refuses it and the connection is reset (docs/asterisk.md, "AMI").
/// Asterisk's own packets are far smaller; the largest seen are <c>Command</c> outputs, one <c>Output:</c> key per line.
/// </summary>
/// <param name="MaxLineLength">The longest line, in bytes, without its line end.</param>
/// <param name="MaxPacketBytes">The most bytes in one packet, line ends included.</param>
/// <param name="MaxKeys">The most fields (and output lines) in one packet.</param>
public sealed record AmiLimits(int MaxLineLength, int MaxPacketBytes, int MaxKeys)
{
    /// <summary>8 KiB lines, 1 MiB packets, 4,096 keys.</summary>
    public static AmiLimits Default { get; } = new(8192, 1 << 20, 4096);
}
