namespace Ivr.Flows.Simulation;

/// <summary>What a scripted input token stands for.</summary>
public enum InputTokenKind
{
    /// <summary>DTMF keys, delivered one <c>Digit</c> per character.</summary>
    Digits,
    /// <summary>A spoken phrase with a confidence.</summary>
    Speech,
    /// <summary>Silence: the armed timer fires.</summary>
    NoInput,
    /// <summary>Something the recognizer cannot match.</summary>
    NoMatch,
    /// <summary>The caller hangs up.</summary>
    Hangup,
    /// <summary>Queue: an agent answers.</summary>
    Connected,
    /// <summary>Queue: the caller accepts a callback.</summary>
    Callback,
    /// <summary>Queue: the caller chooses to leave a message.</summary>
    Message,
    /// <summary>Queue: closed, no agents or maximum wait reached.</summary>
    Failed,
    /// <summary>Transfer succeeded.</summary>
    TransferOk,
    /// <summary>Transfer failed.</summary>
    TransferFail,
    /// <summary>Callback booked.</summary>
    Booked,
    /// <summary>Callback number refused.</summary>
    Refused,
    /// <summary>Message: the recording is made but cannot be kept (its metadata cannot be stored, e.g. the database is down).</summary>
    NotKept,
    /// <summary><c>/agent-hangup</c>: the agent hangs up first (a queue step with <c>afterAgent</c> goes on there).</summary>
    AgentHangup,
}
