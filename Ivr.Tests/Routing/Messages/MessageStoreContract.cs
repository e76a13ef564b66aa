using Ivr.Engine.Routing.Messages;

namespace Ivr.Tests.Routing.Messages;

/// <summary>What every <see cref="IMessageStore"/> must do, run against each provider.</summary>
public abstract class MessageStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The WAV folder the tests' stores use.</summary>
    protected abstract string Folder { get; }

    /// <summary>A store on the test's database, as a new process (or another node) opens it.</summary>
    protected abstract Task<IMessageStore> Open();

    /// <summary>What a killed process leaves behind: its pooled connections are gone.</summary>
    protected abstract void Crash();

    [Fact]
    public async Task SaveAsync_ThenReopen_ListsNewestFirstAndGets_TheFirstSaveOfAnIdWins()
    {
        var store = await Open();
        await store.SaveAsync(new MessageRecord("m1", "billing", "+33612345678", T0, TimeSpan.FromSeconds(12.5), "data/messages/m1.wav"));
        await store.SaveAsync(new MessageRecord("m2", "support", null, T0.AddMinutes(1), TimeSpan.FromSeconds(3), "data/messages/m2.wav"));
        var again = await store.SaveAsync(new MessageRecord("m1", "billing", "+0", T0, TimeSpan.Zero, "other.wav"));

        Crash();
        var reopened = await Open();

        Assert.Equal("data/messages/m1.wav", again.WavPath);
        Assert.Equal(["m2", "m1"], (await reopened.ListAsync()).Select(m => m.Id));
        Assert.Equal(["m1"], (await reopened.ListAsync("billing")).Select(m => m.Id));
        Assert.Equal(["m2"], (await reopened.ListAsync(limit: 1)).Select(m => m.Id));
        var m1 = await reopened.GetAsync("m1");
        Assert.Equal(new MessageRecord("m1", "billing", "+33612345678", T0, TimeSpan.FromSeconds(12.5), "data/messages/m1.wav"), m1);
        Assert.Null(await reopened.GetAsync("nope"));
        Assert.True(Directory.Exists(Folder));
        Assert.Equal(Folder, reopened.MessagesFolder);
    }
}
