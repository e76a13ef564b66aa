using System.Collections.Concurrent;
using System.Net;
using Ivr.Engine.Calls;
using Ivr.Engine.Media;

namespace Ivr.Tests.Calls;

/// <summary>In-process test double for <see cref="IMediaSessionFactory"/>: hands out <see cref="InProcessMediaSession"/>s and keeps them by remote port order.</summary>
internal sealed class InProcessMediaFactory : IMediaSessionFactory
{
    private readonly ConcurrentQueue<InProcessMediaSession> _sessions = new();
    private int _nextPort = 10000;

    private int _opened;

    /// <summary>Applied to every session as it is opened, with its 0-based order (e.g. make the first one fail on Play).</summary>
    public Action<InProcessMediaSession, int>? Configure { get; set; }

    public IReadOnlyList<InProcessMediaSession> Sessions => [.. _sessions];

    public IMediaReservation Reserve() => new Reservation(this, new IPEndPoint(IPAddress.Loopback, Interlocked.Add(ref _nextPort, 2)));

    private sealed class Reservation(InProcessMediaFactory owner, IPEndPoint local) : IMediaReservation
    {
        public IPEndPoint LocalEndPoint => local;

        public IMediaSession Open(NegotiatedMedia media)
        {
            var session = new InProcessMediaSession(media);
            owner.Configure?.Invoke(session, Interlocked.Increment(ref owner._opened) - 1);
            owner._sessions.Enqueue(session);
            return session;
        }

        public void Dispose()
        {
        }
    }
}
