using System.Globalization;

namespace Ivr.Engine.Demo;

/// <summary>What the simulated people did, for the demo's periodic log line (the engine's own figures are on /api and the dashboard).</summary>
internal sealed class DemoStats
{
    private int _callers;
    private int _answered;
    private int _refused;
    private int _abandoned;
    private int _callbacks;
    private int _messages;
    private int _agentAnswers;
    private int _callbackAnswers;
    private int _callbackNoAnswers;

    public void CallerStarted() => Interlocked.Increment(ref _callers);

    public void CallerAnswered() => Interlocked.Increment(ref _answered);

    public void CallerRefused() => Interlocked.Increment(ref _refused);

    public void CallerAbandoned() => Interlocked.Increment(ref _abandoned);

    public void CallerTookCallback() => Interlocked.Increment(ref _callbacks);

    public void CallerLeftMessage() => Interlocked.Increment(ref _messages);

    public void AgentAnswered() => Interlocked.Increment(ref _agentAnswers);

    public void CallbackAnswered() => Interlocked.Increment(ref _callbackAnswers);

    public void CallbackNotAnswered() => Interlocked.Increment(ref _callbackNoAnswers);

    /// <summary>One line: callers placed and what they did, what the agent and customer phones did.</summary>
    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture,
        "{0} callers ({1} answered, {2} refused): {3} hung up while waiting, {4} took a callback, {5} left a message; agent phones answered {6} calls; callback customers answered {7}, let {8} ring out",
        Volatile.Read(ref _callers), Volatile.Read(ref _answered), Volatile.Read(ref _refused), Volatile.Read(ref _abandoned),
        Volatile.Read(ref _callbacks), Volatile.Read(ref _messages), Volatile.Read(ref _agentAnswers),
        Volatile.Read(ref _callbackAnswers), Volatile.Read(ref _callbackNoAnswers));
}
