using System.Net;
using BenchmarkDotNet.Attributes;
using Ivr.Engine.Net;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Benchmarks;

/// <summary>
/// The per-source gate on the SIP receive path (issue 14): what a packet from an allowed source pays —
/// <see cref="SipSourceGuard.Check"/> before parsing (no source banned; and with a ban in the table, so the lookup
/// runs) plus <see cref="SipSourceGuard.Admit"/> for a new INVITE — must allocate nothing. A trusted source and a
/// banned one (dropped before parsing) are shown for scale.
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class SipSourceGuardBenchmarks
{
    private static readonly IPAddress Caller = IPAddress.Parse("198.51.100.3");
    private static readonly IPAddress Flooder = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress Trunk = IPAddress.Parse("203.0.113.10");

    private SipSourceGuard _quiet = null!;
    private SipSourceGuard _withBan = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Rates high enough that the measured caller is never limited, however many iterations run.
        var limits = new SipSourceLimits
        {
            Invite = new SipRate(1e9, 1_000_000_000),
            FirstBan = TimeSpan.FromDays(1),
            MaxBan = TimeSpan.FromDays(1),
            Trusted = AddressRanges.Parse("10.0.0.0/8, 172.16.0.0/12, 203.0.113.0/24", "bench"),
        };
        _quiet = new SipSourceGuard(limits, TimeProvider.System, NullLogger.Instance);
        _withBan = new SipSourceGuard(limits with { Options = new SipRate(1, 5) }, TimeProvider.System, NullLogger.Instance);
        for (var i = 0; i < 10; i++) _withBan.Admit(Flooder, SipTrafficClass.Options);
        for (var i = 0; i < 1000; i++) _withBan.Admit(new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(0x64400000u + (uint)i)), SipTrafficClass.Options);
        if (_withBan.Check(Flooder) != SipSourceVerdict.Drop) throw new InvalidOperationException("the flooder is not banned");
        _quiet.Admit(Caller, SipTrafficClass.Invite);
        _withBan.Admit(Caller, SipTrafficClass.Invite);
    }

    [Benchmark(Baseline = true)]
    public bool AllowedInvite_NoBanAnywhere() =>
        _quiet.Check(Caller) == SipSourceVerdict.Pass && _quiet.Admit(Caller, SipTrafficClass.Invite);

    [Benchmark]
    public bool AllowedInvite_WithABanInTheTable() =>
        _withBan.Check(Caller) == SipSourceVerdict.Pass && _withBan.Admit(Caller, SipTrafficClass.Invite);

    [Benchmark]
    public bool TrustedInvite() =>
        _quiet.Check(Trunk) == SipSourceVerdict.Pass && _quiet.Admit(Trunk, SipTrafficClass.Invite);

    [Benchmark]
    public SipSourceVerdict BannedPacket_DroppedBeforeParsing() => _withBan.Check(Flooder);
}
