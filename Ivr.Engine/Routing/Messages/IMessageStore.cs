namespace Ivr.Engine.Routing.Messages;

/// <summary>Durable metadata of recorded messages; the audio itself is a WAV file under <c>data/messages/</c>.</summary>
public interface IMessageStore
{
    /// <summary>The folder WAV files are written to.</summary>
    string MessagesFolder { get; }

    /// <summary>Saves a message's metadata, durable when the task completes; saving the same id twice keeps the first.</summary>
    Task<MessageRecord> SaveAsync(MessageRecord message, CancellationToken cancellationToken = default);

    /// <summary>Messages, newest first, optionally of one skill, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MessageRecord>> ListAsync(string? skill = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>The message with <paramref name="id"/>, if any.</summary>
    Task<MessageRecord?> GetAsync(string id, CancellationToken cancellationToken = default);
}
