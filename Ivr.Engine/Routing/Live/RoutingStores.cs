using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Messages;
using Ivr.Engine.Routing.Storage;

namespace Ivr.Engine.Routing.Live;

/// <summary>The router's durable stores, opened once (SQLite <c>data/ivr.db</c>, WAVs under <c>data/messages/</c>) and shared with the HTTP API.</summary>
public sealed class RoutingStores
{
    private readonly Lazy<Task<(ICallbackStore, IMessageStore)>> _open;

    /// <summary>Opens the stores in <paramref name="dataFolder"/> on first use.</summary>
    public RoutingStores(string dataFolder, TimeProvider time, CallbackRetryPolicy retry)
    {
        ArgumentNullException.ThrowIfNull(time);
        DataFolder = dataFolder;
        Retry = retry;
        _open = new(async () =>
        {
            Directory.CreateDirectory(dataFolder);
            var database = new SqliteDatabase(Path.Combine(dataFolder, "ivr.db"));
            var now = time.GetUtcNow();
            ICallbackStore callbacks = await SqliteCallbackStore.OpenAsync(database, now, retry).ConfigureAwait(false);
            IMessageStore messages = await SqliteMessageStore.OpenAsync(database, now, Path.Combine(dataFolder, "messages")).ConfigureAwait(false);
            return (callbacks, messages);
        });
    }

    /// <summary>The callbacks' retry policy (attempts, back-off, when an interrupted conversation counts as served).</summary>
    public CallbackRetryPolicy Retry { get; }

    /// <summary>The data folder.</summary>
    public string DataFolder { get; }

    /// <summary>The callback store.</summary>
    public async Task<ICallbackStore> CallbacksAsync() => (await _open.Value.ConfigureAwait(false)).Item1;

    /// <summary>The message store.</summary>
    public async Task<IMessageStore> MessagesAsync() => (await _open.Value.ConfigureAwait(false)).Item2;
}
