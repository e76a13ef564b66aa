using System.Text;
using FsCheck;
using FsCheck.Xunit;
using Ivr.Engine.Asterisk.Ami;

namespace Ivr.Tests.Asterisk;

/// <summary>The AMI packet parser: Asterisk's own packets, split anyhow, and hostile input refused with a reason.</summary>
public sealed class AmiPacketParserTests
{
    private const string Banner = "Asterisk Call Manager/12.0.0\r\n";

    // Recorded from Asterisk 23.2.2 (trimmed): a challenge, an event, a list and a command's output.
    private const string Session = Banner
        + "Response: Success\r\nActionID: 1\r\nChallenge: 880534438\r\n\r\n"
        + "Event: QueueCallerJoin\r\nPrivilege: agent,all\r\nChannel: PJSIP/sipp-00000002\r\nAccountCode: \r\nUniqueid: 1796690399.2\r\nQueue: support\r\nPosition: 1\r\nCount: 1\r\n\r\n"
        + "Response: Success\r\nActionID: 7\r\nEventList: start\r\nMessage: Queue status will follow\r\n\r\n"
        + "Event: QueueParams\r\nQueue: support\r\nCalls: 0\r\nActionID: 7\r\n\r\n"
        + "Event: QueueStatusComplete\r\nActionID: 7\r\nEventList: Complete\r\nListItems: 1\r\n\r\n"
        + "Response: Success\r\nActionID: 8\r\nMessage: Command output follows\r\nOutput: System uptime: 10 seconds\r\nOutput: Last reload: 10 seconds\r\n\r\n";

    [Fact]
    public void Feed_AsteriskSession_GivesItsPacketsInOrder()
    {
        var packets = Parse(Session);

        Assert.Equal(6, packets.Count);
        Assert.Equal("880534438", packets[0]["Challenge"]);
        Assert.Equal("QueueCallerJoin", packets[1].EventName);
        Assert.Equal("1796690399.2", packets[1]["uniqueid"]);
        Assert.Equal(string.Empty, packets[1]["AccountCode"]);
        Assert.Equal("start", packets[2]["EventList"]);
        Assert.Equal(["System uptime: 10 seconds", "Last reload: 10 seconds"], packets[5].All("Output"));
    }

    [Fact]
    public void Feed_OldStyleFollows_CollectsTheRawOutputUpToTheEndMarker()
    {
        var packets = Parse(Banner + "Response: Follows\r\nPrivilege: Command\r\nActionID: 3\r\n"
            + "Channel              Location\r\n\r\nSIP/100-0001  100@default:1\r\n1 active channel--END COMMAND--\r\n\r\n"
            + "Event: Ping\r\n\r\n");

        Assert.Equal(2, packets.Count);
        Assert.Equal("3", packets[0].ActionId);
        Assert.Equal(["Channel              Location", "", "SIP/100-0001  100@default:1", "1 active channel"], packets[0].Output);
        Assert.Equal("Ping", packets[1].EventName);
    }

    [Fact]
    public void Feed_BareLineFeedsAndBlankLinesBetweenPackets_AreAccepted()
    {
        var packets = Parse("Asterisk Call Manager/12.0.0\n\n\nEvent: A\nKey:value\n\n\r\n");

        var packet = Assert.Single(packets);
        Assert.Equal("value", packet["Key"]);
    }

    [Property(MaxTest = 200)]
    public bool Feed_SplitAnywhere_GivesTheSamePackets(PositiveInt[] cuts)
    {
        var bytes = Encoding.UTF8.GetBytes(Session);
        var parser = new AmiPacketParser();
        var packets = new List<AmiMessage>();
        var at = 0;
        foreach (var cut in cuts)
        {
            var length = Math.Min(cut.Get % 50, bytes.Length - at);
            parser.Feed(bytes.AsSpan(at, length), packets);
            at += length;
        }
        parser.Feed(bytes.AsSpan(at), packets);
        return packets.Select(p => p.ToString()).SequenceEqual(Parse(Session).Select(p => p.ToString()));
    }

    [Property(MaxTest = 500)]
    public bool Feed_AnyBytes_EitherParsesOrRefusesWithAReason(byte[] junk)
    {
        var parser = new AmiPacketParser(new AmiLimits(64, 512, 16));
        var packets = new List<AmiMessage>();
        try
        {
            parser.Feed(Encoding.ASCII.GetBytes(Banner), packets);
            parser.Feed(junk, packets);
            return packets.All(p => p.Fields.Count is > 0 and <= 16);
        }
        catch (AmiProtocolException ex)
        {
            return ex.Reason is "control-character" or "line-too-long" or "packet-too-large" or "too-many-keys" or "malformed";
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n", "banner")]
    [InlineData(Banner + "Response: Success\r\nthis is not a field\r\n", "malformed")]
    [InlineData(Banner + ": no key\r\n", "malformed")]
    [InlineData(Banner + "Bad Key: x\r\n", "malformed")]
    [InlineData(Banner + "Event: A\r\nValue: a\0b\r\n", "control-character")]
    [InlineData(Banner + "Event: A\rSmuggled: yes\r\n", "control-character")]
    [InlineData(Banner + "Event: A\r\nEscape: \u001b[2J\r\n", "control-character")]
    public void Feed_HostileInput_IsRefusedWithItsReason(string input, string reason)
    {
        var error = Assert.Throws<AmiProtocolException>(() => Parse(input));
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Feed_LineOverTheLimit_IsRefusedBeforeItsEnd()
    {
        var parser = new AmiPacketParser(new AmiLimits(100, 10_000, 50));
        parser.Feed(Encoding.ASCII.GetBytes(Banner), new List<AmiMessage>());

        // No line end ever comes: the parser must not buffer without bound waiting for one.
        var error = Assert.Throws<AmiProtocolException>(() => parser.Feed(Enumerable.Repeat((byte)'a', 101).ToArray(), new List<AmiMessage>()));
        Assert.Equal("line-too-long", error.Reason);
    }

    [Fact]
    public void Feed_TooManyKeysOrTooManyBytes_IsRefused()
    {
        var keys = Banner + "Event: A\r\n" + string.Concat(Enumerable.Range(0, 60).Select(i => $"K{i}: v\r\n"));
        Assert.Equal("too-many-keys", Assert.Throws<AmiProtocolException>(() => Parse(keys, new AmiLimits(100, 100_000, 50))).Reason);

        var bytes = Banner + "Event: A\r\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"K{i}: {new string('x', 90)}\r\n"));
        Assert.Equal("packet-too-large", Assert.Throws<AmiProtocolException>(() => Parse(bytes, new AmiLimits(100, 2000, 50))).Reason);

        // A command output of endless raw lines is held to the same limits.
        var output = Banner + "Response: Follows\r\n" + string.Concat(Enumerable.Range(0, 60).Select(i => "line\r\n"));
        Assert.Equal("too-many-keys", Assert.Throws<AmiProtocolException>(() => Parse(output, new AmiLimits(100, 100_000, 50))).Reason);
    }

    [Fact]
    public void Feed_AfterAFailure_RefusesToGoOn()
    {
        var parser = new AmiPacketParser();
        var packets = new List<AmiMessage>();
        Assert.Throws<AmiProtocolException>(() => parser.Feed("nope\r\n"u8, packets));

        Assert.Throws<InvalidOperationException>(() => parser.Feed(Encoding.ASCII.GetBytes(Banner), packets));
    }

    [Fact]
    public void Encode_ActionWithFields_IsCrLfLinesEndedByABlankLine()
    {
        var action = new AmiAction("Getvar").With("Channel", "PJSIP/sipp-00000001").With("Variable", "IVR_OUTCOME");

        Assert.Equal("Action: Getvar\r\nActionID: ivr-3\r\nChannel: PJSIP/sipp-00000001\r\nVariable: IVR_OUTCOME\r\n\r\n", Encoding.UTF8.GetString(action.Encode("ivr-3")));
    }

    [Theory]
    [InlineData("Variable", "X\r\nAction: Originate")]
    [InlineData("Variable", "X\nAction: Originate")]
    [InlineData("Variable", "X\0")]
    [InlineData("Bad Key", "x")]
    [InlineData("Key:", "x")]
    [InlineData("ActionID", "mine")]
    public void With_ValueThatCouldInjectALineOrABadKey_IsRefused(string key, string value)
    {
        Assert.Throws<ArgumentException>(() => new AmiAction("Getvar").With(key, value));
    }

    [Fact]
    public void Delay_GrowsAndIsCappedWithJitter()
    {
        var backoff = new AmiBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));
        var random = new Random(7);

        Assert.Equal(TimeSpan.Zero, backoff.Delay(0, random));
        for (var failures = 1; failures < 40; failures++)
        {
            var ceiling = Math.Min(250 * Math.Pow(2, failures - 1), 4000);
            var delay = backoff.Delay(failures, random).TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2 - 0.001, ceiling + 0.001);
        }
        var spread = Enumerable.Range(0, 50).Select(_ => backoff.Delay(10, random)).Distinct().Count();
        Assert.True(spread > 10, "the delays are not jittered");
    }

    private static List<AmiMessage> Parse(string text, AmiLimits? limits = null)
    {
        var packets = new List<AmiMessage>();
        new AmiPacketParser(limits).Feed(Encoding.UTF8.GetBytes(text), packets);
        return packets;
    }
}
