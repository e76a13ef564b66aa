using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

public sealed class PromptCacheTests
{
    [Fact]
    public void Get_SamePromptTwice_ReturnsTheSameClip()
    {
        var cache = new PromptCache(MediaRig.SoundsFolder);

        var first = cache.Get("en-US/welcome.wav");
        var second = cache.Get("en-US/welcome");

        Assert.Same(first, second);
        Assert.Equal("en-US/welcome.wav", first.Name);
        Assert.InRange(first.Duration.TotalSeconds, 2, 4);
    }

    [Fact]
    public void Get_ConcurrentFirstUses_LoadOnce()
    {
        var cache = new PromptCache(MediaRig.SoundsFolder);
        var clips = new AudioClip[16];

        Parallel.For(0, clips.Length, i => clips[i] = cache.Get("common/beep.wav"));

        Assert.All(clips, c => Assert.Same(clips[0], c));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Get_MissingFile_ThrowsNamingIt()
    {
        var cache = new PromptCache(MediaRig.SoundsFolder);

        var ex = Assert.Throws<FileNotFoundException>(() => cache.Get("en-US/nope.wav"));

        Assert.Contains("en-US/nope.wav", ex.Message, StringComparison.Ordinal);
        Assert.False(cache.TryGet("en-US/nope", out _));
    }

    [Fact]
    public void TryGet_PathLeavingTheFolder_Throws()
    {
        var cache = new PromptCache(Path.Combine(MediaRig.SoundsFolder, "en-US"));

        Assert.Throws<ArgumentException>(() => cache.TryGet("../common/beep.wav", out _));
    }

    [Fact]
    public void LoadAll_LoadsEveryWavUnderTheFolder()
    {
        var cache = new PromptCache(MediaRig.SoundsFolder);

        var count = cache.LoadAll();

        Assert.Equal(Directory.GetFiles(MediaRig.SoundsFolder, "*.wav", SearchOption.AllDirectories).Length, count);
        Assert.True(cache.TryGet("fr-FR/welcome.wav", out _) || !File.Exists(Path.Combine(MediaRig.SoundsFolder, "fr-FR/welcome.wav")));
    }
}
