using System.Diagnostics;

namespace Ivr.Tests.Media;

/// <summary>
/// Waits for a condition that media events make true: every event calls <see cref="Pulse"/>, and
/// <see cref="WaitAsync"/> re-checks the condition on each pulse until a deadline (no sleeping).
/// </summary>
internal sealed class Probe
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var next = Volatile.Read(ref _next).Task;
            if (condition())
            {
                return;
            }

            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }

            try
            {
                await next.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Loop once more: the condition may have become true without a pulse.
            }
        }
    }
}
