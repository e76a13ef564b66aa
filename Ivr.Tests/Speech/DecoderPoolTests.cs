using Ivr.Engine.Speech;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Speech;

/// <summary>
/// The recognizer's pool of real PocketSphinx decoders: a burst of simultaneous speakers loads models once, not again
/// at every burst (each load takes 100–250 ms, one at a time, which made a burst of eight callers' results — and the
/// flow after them — up to two seconds late), and what a burst left idle is freed after its lifetime.
/// </summary>
public sealed class DecoderPoolTests
{
    [Fact]
    public void Burst_OfSimultaneousSpeakers_TheNextBurstLoadsNoModel()
    {
        using var recognizer = new PocketSphinxRecognizer(PocketSphinxOptions.Default with { WarmDecoders = 1 });
        recognizer.WarmUp();

        var first = Enumerable.Range(0, 5).Select(_ => recognizer.RentDecoder()).ToList();
        first.ForEach(recognizer.ReturnDecoder);
        var second = Enumerable.Range(0, 5).Select(_ => recognizer.RentDecoder()).ToList();
        second.ForEach(recognizer.ReturnDecoder);

        Assert.Equal(5, recognizer.DecodersCreated);
        Assert.Equal(5, recognizer.DecodersIdle);
        Assert.Equal(first.ToHashSet(), second.ToHashSet());
    }

    [Fact]
    public void IdleDecoders_BeyondTheWarmOnes_AreFreedAfterTheirLifetime_EvenWithNoCallToReturnOne()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        using var recognizer = new PocketSphinxRecognizer(
            PocketSphinxOptions.Default with { WarmDecoders = 2, IdleDecoderLifetime = TimeSpan.FromMinutes(10) }, time);
        recognizer.WarmUp();
        var burst = Enumerable.Range(0, 4).Select(_ => recognizer.RentDecoder()).ToList();
        burst.ForEach(recognizer.ReturnDecoder);
        Assert.Equal(4, recognizer.DecodersIdle);

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(0, recognizer.TrimIdleDecoders());
        Assert.Equal(4, recognizer.DecodersIdle);

        time.Advance(TimeSpan.FromMinutes(15)); // the pool's own timer trims
        Assert.Equal(2, recognizer.DecodersIdle);
        Assert.Equal(4, recognizer.DecodersCreated);
    }

    [Fact]
    public void RecentlyUsedDecoders_AreKept_TheLongestIdleFreedFirst()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        using var recognizer = new PocketSphinxRecognizer(
            PocketSphinxOptions.Default with { WarmDecoders = 1, IdleDecoderLifetime = TimeSpan.FromMinutes(10) }, time);
        var burst = Enumerable.Range(0, 3).Select(_ => recognizer.RentDecoder()).ToList();
        burst.ForEach(recognizer.ReturnDecoder);

        // One caller a minute for eleven minutes: always the most recently returned decoder, so the others age.
        for (var minute = 0; minute < 11; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            recognizer.ReturnDecoder(recognizer.RentDecoder());
        }

        Assert.Equal(1, recognizer.DecodersIdle);
        var kept = recognizer.RentDecoder();
        Assert.Same(burst[^1], kept);
        recognizer.ReturnDecoder(kept);
    }

    [Fact]
    public void ReturnToAFullPool_FreesTheDecoder()
    {
        using var recognizer = new PocketSphinxRecognizer(PocketSphinxOptions.Default with { WarmDecoders = 1, MaxIdleDecoders = 2 });
        var burst = Enumerable.Range(0, 3).Select(_ => recognizer.RentDecoder()).ToList();
        burst.ForEach(recognizer.ReturnDecoder);

        Assert.Equal(2, recognizer.DecodersIdle);
    }
}
