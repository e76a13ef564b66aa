using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Hosting;

/// <summary>A token bucket in settings (<c>Sip:Limits:Invite:PerSecond</c>, <c>…:Burst</c>).</summary>
public sealed class SipRateOptions
{
    /// <summary>The sustained rate, requests per second.</summary>
    public double PerSecond { get; set; }

    /// <summary>Requests accepted at once after a quiet spell.</summary>
    public int Burst { get; set; }

    /// <summary>The settings of <paramref name="rate"/>.</summary>
    public static SipRateOptions Of(SipRate rate)
    {
        ArgumentNullException.ThrowIfNull(rate);
        return new SipRateOptions { PerSecond = rate.PerSecond, Burst = rate.Burst };
    }

    /// <summary>The stack's rate.</summary>
    public SipRate ToRate() => new(PerSecond, Burst);
}
