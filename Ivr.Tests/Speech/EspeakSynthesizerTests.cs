using System.Buffers.Binary;
using Ivr.Engine.Speech;

namespace Ivr.Tests.Speech;

public class EspeakSynthesizerTests
{
    [Fact]
    public async Task RenderAsync_SamePromptTwice_RendersOnceAndWritesTelephoneWav()
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("tts") });
        Assert.True(synthesizer.IsAvailable, synthesizer.UnavailableReason);

        var first = await synthesizer.RenderAsync("Welcome to Acme Energy.", "en-US");
        var second = await synthesizer.RenderAsync("Welcome to Acme Energy.", "en-US");

        Assert.Equal(first, second);
        Assert.Equal(1, synthesizer.RenderCount);
        Assert.Equal(synthesizer.CacheDirectory, Path.GetDirectoryName(first));
        Assert.Matches("^[0-9a-f]{64}\\.wav$", Path.GetFileName(first));
        var bytes = await File.ReadAllBytesAsync(first);
        Assert.Equal("RIFF"u8.ToArray(), bytes[..4]);
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(20))); // PCM
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(22))); // mono
        Assert.Equal(8000, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(34)));
        Assert.Equal(bytes.Length - 44, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(40)));
        var audio = WavAudio.Read(bytes);
        Assert.InRange(audio.Samples.Length, 8000 * 0.5, 8000 * 4.0);
        Assert.Contains(audio.Samples, s => Math.Abs((int)s) > 3000);
    }

    [Fact]
    public async Task RenderAsync_ConcurrentRequestsForOneKey_RenderOnce()
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("tts") });

        var paths = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => synthesizer.RenderAsync("Please hold.", "en-US"))));

        Assert.Single(paths.Distinct());
        Assert.Equal(1, synthesizer.RenderCount);
    }

    [Fact]
    public async Task RenderAsync_NewInstanceOnSameCache_RendersNothing()
    {
        var cache = SpeechTestAudio.TempFolder("tts");
        var first = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = cache });
        var path = await first.RenderAsync("Your call is important to us.", "en-US");

        var restarted = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = cache });
        var again = await restarted.RenderAsync("Your call is important to us.", "en-US");

        Assert.Equal(path, again);
        Assert.Equal(0, restarted.RenderCount);
    }

    [Fact]
    public async Task RenderAsync_DifferentLocaleOrText_SeparateEntries()
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("tts") });

        var en = await synthesizer.RenderAsync("Bonjour", "en-US");
        var fr = await synthesizer.RenderAsync("Bonjour", "fr-FR");
        var other = await synthesizer.RenderAsync("Au revoir", "fr-FR");

        Assert.Equal(3, new[] { en, fr, other }.Distinct().Count());
        Assert.Equal(3, synthesizer.RenderCount);
    }

    [Fact]
    public async Task RenderAsync_TextStartingWithDash_IsSpokenNotParsedAsOption()
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("tts") });

        var path = await synthesizer.RenderAsync("-v nonsense; rm -rf /", "en-US");

        Assert.True(WavAudio.Read(path).Samples.Length > 4000);
    }

    [Theory]
    [InlineData("en-US", "en-us")]
    [InlineData("en-GB", "en-gb")]
    [InlineData("fr-FR", "fr")]
    [InlineData("de-DE", "de")]
    public void VoiceFor_Locale_EspeakVoice(string locale, string voice) =>
        Assert.Equal(voice, EspeakSynthesizer.VoiceFor(locale));

    [Fact]
    public async Task IsAvailable_ExecutableMissing_FalseWithInstallHint()
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { Executable = "/nonexistent/espeak-ng", CacheDirectory = SpeechTestAudio.TempFolder("tts") });

        Assert.False(synthesizer.IsAvailable);
        Assert.Contains("apt-get install espeak-ng", synthesizer.UnavailableReason);
        await Assert.ThrowsAsync<InvalidOperationException>(() => synthesizer.RenderAsync("hello", "en-US"));
    }
}
