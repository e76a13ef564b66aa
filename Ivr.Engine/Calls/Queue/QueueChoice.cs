namespace Ivr.Engine.Calls.Queue;

/// <summary>What a waiting caller chose by key or speech.</summary>
public enum QueueChoice
{
    /// <summary>Nothing (a key that means nothing here).</summary>
    None,

    /// <summary>Be called back, keeping their place.</summary>
    Callback,

    /// <summary>Leave a message.</summary>
    Message,

    /// <summary>Keep waiting (declines the open offer).</summary>
    Stay,
}
