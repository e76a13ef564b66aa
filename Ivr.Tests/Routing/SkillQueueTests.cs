using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

public class SkillQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Enqueue_PriorityThenTime_OrdersLine()
    {
        var queue = new SkillQueue("sales");
        queue.Enqueue(new QueuedCaller("late-normal", 5, T0.AddMinutes(2)));
        queue.Enqueue(new QueuedCaller("early-normal", 5, T0));
        queue.Enqueue(new QueuedCaller("vip", 0, T0.AddMinutes(3)));
        queue.Enqueue(new QueuedCaller("callback", 5, T0.AddMinutes(1), IsCallback: true));

        Assert.Equal(["vip", "early-normal", "callback", "late-normal"], queue.InOrder().Select(c => c.Id));
        Assert.Equal(2, queue.PositionOf("callback"));
        Assert.Equal("callback", queue.ElementAt(2).Id);
        Assert.Equal(1, queue.CallbackCount);
    }

    [Fact]
    public void ConvertToCallback_KeepsPlace()
    {
        var queue = new SkillQueue("sales");
        for (var i = 0; i < 5; i++) queue.Enqueue(new QueuedCaller($"c{i}", 0, T0.AddSeconds(i)));

        var place = queue.ConvertToCallback("c2");

        Assert.True(place!.IsCallback);
        Assert.Equal(2, queue.PositionOf("c2"));
        Assert.Equal(1, queue.CallbackCount);
    }

    [Fact]
    public void TryRemove_ById_UpdatesPositions()
    {
        var queue = new SkillQueue("sales");
        for (var i = 0; i < 5; i++) queue.Enqueue(new QueuedCaller($"c{i}", 0, T0.AddSeconds(i)));

        Assert.True(queue.TryRemove("c1", out _));
        Assert.False(queue.TryRemove("c1", out _));

        Assert.Equal(1, queue.PositionOf("c2"));
        Assert.Null(queue.PositionOf("c1"));
        Assert.True(queue.TryDequeue(out var head));
        Assert.Equal("c0", head.Id);
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public void Enqueue_DuplicateId_Throws()
    {
        var queue = new SkillQueue("sales");
        queue.Enqueue(new QueuedCaller("c", 0, T0));

        Assert.Throws<InvalidOperationException>(() => queue.Enqueue(new QueuedCaller("c", 0, T0)));
    }

    [Fact]
    public void RandomOperations_MatchSortedReference()
    {
        var random = new Random(5);
        var queue = new SkillQueue("sales");
        var reference = new List<QueuedCaller>();
        for (var step = 0; step < 5000; step++)
        {
            if (reference.Count > 0 && random.Next(3) == 0)
            {
                var victim = reference[random.Next(reference.Count)];
                reference.Remove(victim);
                Assert.True(queue.TryRemove(victim.Id, out _));
            }
            else
            {
                var caller = new QueuedCaller($"c{step}", random.Next(3), T0.AddSeconds(random.Next(100)));
                reference.Add(caller);
                queue.Enqueue(caller);
            }
        }
        // Stable sort keeps insertion order among equal keys, like the queue's sequence tie-break.
        var expected = reference.OrderBy(c => c.Priority).ThenBy(c => c.EnteredAt).Select(c => c.Id).ToList();

        Assert.Equal(expected, queue.InOrder().Select(c => c.Id));
        for (var i = 0; i < expected.Count; i += 97) Assert.Equal(i, queue.PositionOf(expected[i]));
    }
}
