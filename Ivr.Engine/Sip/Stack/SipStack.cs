using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// The SIP endpoint (RFC 3261): owns the UDP/TCP channels, parses and validates what arrives, runs the transaction
/// layer (§17), dispatches requests (§8.2: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER…) and dialogs (§12), presents
/// each new INVITE to the <see cref="IIncomingCallHandler"/> and places calls as an <see cref="ISipUserAgent"/>.
/// </summary>
public sealed class SipStack : ISipUserAgent, ISipTransactionHost, IAsyncDisposable
{
    private readonly SipStackSettings _options;
    private readonly List<ISipChannel> _channels = [];
    private readonly SipRequestValidator _validator;
    private readonly ConcurrentDictionary<string, SipTransaction> _serverTransactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SipTransaction> _clientTransactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IDialogUser> _dialogs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private int _activeCalls;
    private volatile bool _disposed;
    private readonly CancellationToken _stopToken;

    /// <summary>Creates a stack listening on <see cref="SipStackSettings.ListenAddress"/> with UDP and/or TCP channels.</summary>
    public SipStack(SipStackSettings options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
        : this(options, null, loggerFactory, timeProvider)
    {
    }

    /// <summary>Creates a stack over the given channels (tests drive the stack in-process this way).</summary>
    public SipStack(SipStackSettings options, IEnumerable<ISipChannel>? channels, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        Counters = new SipStackCounters(options.MeterFactory);
        Time = timeProvider ?? TimeProvider.System;
        Logger = loggerFactory.CreateLogger<SipStack>();
        _validator = new SipRequestValidator(options.Validator);
        Sources = new SipSourceGuard(options.SourceLimits, Time, loggerFactory.CreateLogger<SipSourceGuard>(), Counters);
        _stopToken = _stop.Token;
        if (channels is not null)
        {
            _channels.AddRange(channels);
        }
        else
        {
            var streams = options.Tcp with { Sources = options.Tcp.Sources ?? Sources };
            // Port 0 with UDP and TCP: the system picks a free UDP port and TCP takes the same number, which another
            // process may hold for TCP (a client's ephemeral port): try a few other UDP ports before giving up.
            for (var attempt = 1; ; attempt++)
            {
                var port = options.Port;
                UdpSipChannel? udp = null;
                if (options.EnableUdp)
                {
                    udp = new UdpSipChannel(new IPEndPoint(options.ListenAddress, port), loggerFactory.CreateLogger<UdpSipChannel>());
                    if (port == 0) port = udp.LocalEndPoint.EndPoint.Port;
                }
                try
                {
                    if (options.EnableTcp)
                    {
                        _channels.Add(new TcpSipChannel(new IPEndPoint(options.ListenAddress, port), loggerFactory.CreateLogger<TcpSipChannel>(), streams, Time));
                    }
                }
                catch (SipBindException) when (options.Port == 0 && udp is not null && attempt < 5)
                {
                    udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    continue;
                }
                if (udp is not null) _channels.Insert(0, udp);
                break;
            }
            if (options.EnableTls)
            {
                var tls = options.Tls ?? throw new ArgumentException("EnableTls needs Tls settings (a certificate).", nameof(options));
                _channels.Add(new TlsSipChannel(new IPEndPoint(options.ListenAddress, options.TlsPort), tls, loggerFactory.CreateLogger<TlsSipChannel>(), streams, Time));
            }
        }
    }

    /// <summary>Receives each new incoming call; without one, INVITEs get 503.</summary>
    public IIncomingCallHandler? IncomingCallHandler { get; set; }

    /// <summary>Answers REGISTER (RFC 3261 §10); without one REGISTER gets 501.</summary>
    public ISipRegistrar? Registrar { get; set; }

    /// <summary>Counters (requests by method, responses by code, retransmissions, parse errors, 503s).</summary>
    public SipStackCounters Counters { get; }

    /// <summary>The per-source limits and bans.</summary>
    public SipSourceGuard Sources { get; }

    /// <summary>Incoming calls not yet ended.</summary>
    public int ActiveCalls => Volatile.Read(ref _activeCalls);

    /// <summary>The UDP address, when UDP is enabled.</summary>
    public SipEndPoint? UdpEndPoint => _channels.FirstOrDefault(c => c.Protocol == SipProtocol.Udp)?.LocalEndPoint;

    /// <summary>The TCP address, when TCP is enabled.</summary>
    public SipEndPoint? TcpEndPoint => _channels.FirstOrDefault(c => c.Protocol == SipProtocol.Tcp)?.LocalEndPoint;

    /// <summary>The TLS address, when TLS is enabled.</summary>
    public SipEndPoint? TlsEndPoint => _channels.FirstOrDefault(c => c.Protocol == SipProtocol.Tls)?.LocalEndPoint;

    /// <summary>The Allow header value (RFC 3261 §20.5).</summary>
    public string Allow => _validator.Allow;

    /// <summary>The clock driving every timer.</summary>
    public TimeProvider Time { get; }

    /// <summary>Transaction timer values.</summary>
    public SipTimerSettings Timers => _options.Timers;

    internal ILogger Logger { get; }

    /// <summary>Starts receiving on every channel.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in _channels) await channel.StartAsync(OnReceived, cancellationToken);
        Logger.LogInformation("SIP stack listening on {EndPoints}", string.Join(", ", _channels.Select(c => c.LocalEndPoint)));
    }

    /// <inheritdoc />
    public async Task<IOutboundCall> InviteAsync(SipUri target, string fromUser, string? fromDisplayName, string sdpOffer, TimeSpan ringTimeout, CancellationToken cancellationToken, SipEndPoint? destination = null, IReadOnlyList<KeyValuePair<string, string>>? extraHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sdpOffer);
        CheckExtensionHeaders(extraHeaders);
        var remote = destination ?? await ResolveAsync(target, SipProtocol.Udp, cancellationToken);
        var (transport, host, port) = ViaFor(remote.Protocol);
        var invite = new SipRequest("INVITE", target);
        var h = invite.Headers;
        h.Add(SipHeaderNames.Via, SipVia.Create(transport, host, port, SipIds.NewBranch(), rport: true).ToString());
        h.Add(SipHeaderNames.MaxForwards, "70");
        var from = new SipNameAddr(new SipUri("sip", fromUser, host, port), fromDisplayName).WithTag(SipIds.NewTag());
        h.Add(SipHeaderNames.From, from.ToString());
        h.Add(SipHeaderNames.To, new SipNameAddr(target).ToString());
        h.Add(SipHeaderNames.CallId, SipIds.NewCallId(host));
        h.Add(SipHeaderNames.CSeq, "1 INVITE");
        h.Add(SipHeaderNames.Contact, ContactFor(remote.Protocol, fromUser, target.Scheme == "sips"));
        h.Add(SipHeaderNames.Allow, Allow);
        h.Add(SipHeaderNames.UserAgent, _options.UserAgent);
        foreach (var (name, value) in extraHeaders ?? []) h.Add(name, value);
        h.Add(SipHeaderNames.ContentType, "application/sdp");
        invite.Body = Encoding.UTF8.GetBytes(sdpOffer);
        var call = new OutboundCall(this, invite, remote);
        return await call.RunAsync(ringTimeout, cancellationToken);
    }

    // RFC 3261 §7.3.1 / §25.1: a header name is a token (and here an X- extension name); a value has no CR, LF or other control character (no header injection).
    private static void CheckExtensionHeaders(IReadOnlyList<KeyValuePair<string, string>>? headers)
    {
        foreach (var (name, value) in headers ?? [])
        {
            if (string.IsNullOrEmpty(name) || !SipSyntax.IsToken(name)) throw new ArgumentException($"'{name}' is not a SIP header name", nameof(headers));
            // Only extension (X-) headers: a second Via, Call-ID or Content-Length would break the request or its framing.
            if (name.Length < 3 || !name.StartsWith("X-", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"'{name}' is not an X- extension header", nameof(headers));
            if (value is null || value.Any(c => char.IsControl(c) && c != '\t')) throw new ArgumentException($"the value of header {name} has a control character", nameof(headers));
        }
    }

    private void OnReceived(ReadOnlySpan<byte> data, SipEndPoint remote, SipEndPoint local)
    {
        // A banned source costs a lookup, not a parse.
        var verdict = Sources.Check(remote.EndPoint.Address);
        if (verdict == SipSourceVerdict.Drop) return;
        if (!SipParser.Default.TryParse(data, remote.Protocol != SipProtocol.Udp, out var message, out var error))
        {
            if (error.Code == SipParseErrorCode.Empty || !Sources.Admit(remote.EndPoint.Address, SipTrafficClass.Other)) return;
            Counters.ParseError();
            Logger.LogDebug("Unparseable message from {Remote}: {Detail}", remote, error.Detail);
            if (error.CanRespond && message is SipRequest bad && bad.Method != "ACK")
            {
                SendStateless(SipResponse.CreateFor(bad, error.StatusCode, ReasonOf(error.Detail)), remote);
            }
            return;
        }
        if (verdict == SipSourceVerdict.Refuse)
        {
            if (message is SipRequest refused) RefuseBanned(refused, remote);
            return;
        }
        if (message is SipResponse response) OnResponse(response, remote);
        else OnRequest((SipRequest)message!, remote);
    }

    // RFC 3261 §21.5.4: 503 with Retry-After, the ban's remaining seconds; an ACK gets nothing (§17.2.1).
    private void RefuseBanned(SipRequest request, SipEndPoint remote)
    {
        if (request.Method == "ACK" || request.TopVia is null || request.CallId is null || request.CSeq is null) return;
        var busy = SipResponse.CreateFor(request, 503, null, SipIds.NewTag());
        busy.Headers.Add(SipHeaderNames.RetryAfter, Sources.RetryAfterSeconds(remote.EndPoint.Address).ToString(CultureInfo.InvariantCulture));
        SendStateless(busy, remote);
    }

    // Retransmissions and requests inside a live dialog (ACK, BYE, re-INVITE, INFO…) are a known caller's own call: never
    // counted, so a busy trunk is limited by the calls it starts, not by the traffic of calls already up.
    private bool AdmitFrom(SipRequest request, string key, SipEndPoint remote)
    {
        if (_serverTransactions.ContainsKey(key)) return true;
        if (request.To?.Tag is { } toTag && request.CallId is { } callId
            && _dialogs.ContainsKey(SipDialog.DialogKey(callId, toTag, request.From?.Tag ?? ""))) return true;
        return Sources.Admit(remote.EndPoint.Address, SipSourceGuard.ClassOf(request.Method));
    }

    private static string ReasonOf(string detail)
    {
        var sb = new StringBuilder(detail.Length);
        foreach (var c in detail) sb.Append(c is '\r' or '\n' || char.IsControl(c) ? ' ' : c);
        return sb.Length == 0 ? "Bad Request" : sb.ToString();
    }

    private void OnResponse(SipResponse response, SipEndPoint remote)
    {
        if (SipRequestValidator.ShouldDiscardResponse(response) || response.CSeq is null)
        {
            Sources.Admit(remote.EndPoint.Address, SipTrafficClass.Other);
            return;
        }
        if (_clientTransactions.TryGetValue(InviteClientTransaction.ClientKey(response), out var tx))
        {
            if (tx is InviteClientTransaction ict) ict.OnResponse(response);
            else if (tx is NonInviteClientTransaction nict) nict.OnResponse(response);
            return;
        }
        // RFC 3261 §13.2.2.4: a 2xx retransmission after the transaction ended goes to the dialog, which ACKs again.
        if (response.StatusCode is >= 200 and < 300 && response.CSeq.Value.Method == "INVITE"
            && _dialogs.TryGetValue(SipDialog.DialogKey(response.CallId ?? "", response.From?.Tag ?? "", response.To?.Tag ?? ""), out var user))
        {
            user.On2xxRetransmission(response);
            return;
        }
        // A response to nothing we sent: counted like any other stray packet.
        Sources.Admit(remote.EndPoint.Address, SipTrafficClass.Other);
    }

    private void OnRequest(SipRequest request, SipEndPoint remote)
    {
        Counters.Request(request.Method);
        var via = request.TopVia;
        if (via is null || request.CSeq is null || request.CallId is null || request.From is null || request.To is null)
        {
            if (Sources.Admit(remote.EndPoint.Address, SipTrafficClass.Other)) RespondInvalid(request, remote);
            return;
        }
        var key = ServerKey(request, via, request.Method == "ACK" ? "INVITE" : request.Method);
        if (!AdmitFrom(request, key, remote)) return;
        StampReceived(request, via, remote);
        if (request.Method == "ACK")
        {
            OnAck(request, key);
            return;
        }
        if (_serverTransactions.TryGetValue(key, out var existing))
        {
            if (existing is InviteServerTransaction ist) ist.OnRetransmission();
            else if (existing is NonInviteServerTransaction nist) nist.OnRetransmission();
            return;
        }
        var validation = _validator.Validate(request);
        if (!validation.IsAccepted)
        {
            if (!validation.Discard) RespondNew(request, remote, key, validation.ToResponse(request, SipIds.NewTag())!);
            return;
        }
        var toTag = request.To.Tag;
        switch (request.Method)
        {
            case "INVITE" when toTag is null:
                OnNewInvite(request, remote, key);
                return;
            case "INVITE":
                OnReInvite(request, remote, key);
                return;
            case "CANCEL":
                OnCancel(request, remote, key, via);
                return;
            case "OPTIONS" when toTag is null:
                RespondNew(request, remote, key, IncomingCallHandler is { TakesNewCalls: false } ? Unavailable(request) : OptionsResponse(request, SipIds.NewTag()));
                return;
            case "REGISTER" when Registrar is null:
                RespondNew(request, remote, key, SipResponse.CreateFor(request, 501, "Registration Not Supported", SipIds.NewTag()));
                return;
            case "REGISTER":
                // The registrar may wait on its store: never on the receive loop (INVITE, OPTIONS probes must still be
                // answered). The transaction exists first and absorbs retransmissions while the answer is pending.
                if (NewServerTransaction(request, remote, key) is { } registerTx) _ = RegisterLaterAsync(Registrar, request, remote, registerTx);
                return;
        }
        if (toTag is null)
        {
            // BYE, INFO, NOTIFY, REFER… outside a dialog: there is no dialog they could belong to (RFC 3261 §12.2.2).
            var code = request.Method is "BYE" or "INFO" or "NOTIFY" or "REFER" or "UPDATE" or "PRACK" ? 481 : 501;
            RespondNew(request, remote, key, SipResponse.CreateFor(request, code, null, SipIds.NewTag()));
            return;
        }
        var tx = NewServerTransaction(request, remote, key);
        if (tx is null) return;
        if (_dialogs.TryGetValue(SipDialog.DialogKey(request.CallId, toTag, request.From.Tag ?? ""), out var user))
        {
            user.OnInDialogRequest(request, tx);
        }
        else
        {
            tx.Respond(SipResponse.CreateFor(request, 481));
        }
    }

    private void RespondInvalid(SipRequest request, SipEndPoint remote)
    {
        var validation = _validator.Validate(request);
        if (validation.IsAccepted || validation.Discard || request.Method == "ACK") return;
        SendStateless(validation.ToResponse(request, SipIds.NewTag())!, remote);
    }

    private void OnAck(SipRequest ack, string inviteKey)
    {
        if (_serverTransactions.TryGetValue(inviteKey, out var tx) && tx is InviteServerTransaction ist && ist.OnAck()) return;
        if (_validator.Validate(ack).Discard) return;
        if (_dialogs.TryGetValue(SipDialog.DialogKey(ack.CallId!, ack.To!.Tag ?? "", ack.From!.Tag ?? ""), out var user)) user.OnAck(ack);
    }

    private void OnNewInvite(SipRequest invite, SipEndPoint remote, string key)
    {
        var tx = new InviteServerTransaction(invite, remote, key, this);
        if (!_serverTransactions.TryAdd(key, tx))
        {
            OnRequestRace(key);
            return;
        }
        tx.Terminated += t => _serverTransactions.TryRemove(new KeyValuePair<string, SipTransaction>(t.Key, t));
        // RFC 3261 §17.2.1: a 100 Trying at once stops the caller's INVITE retransmissions.
        tx.Respond(SipResponse.CreateFor(invite, 100));
        // Whether the INVITE becomes a call (capacity, drain, number, SDP) is the handler's decision; without one nothing can
        // take it: RFC 3261 §21.5.4, 503 with Retry-After.
        if (IncomingCallHandler is not { } handler)
        {
            Counters.Overloaded();
            var busy = SipResponse.CreateFor(invite, 503, null, SipIds.NewTag());
            busy.Headers.Add(SipHeaderNames.RetryAfter, _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
            tx.Respond(busy);
            return;
        }
        Interlocked.Increment(ref _activeCalls);
        var session = new InviteSession(this, invite, remote, tx);
        tx.Owner = session;
        _dialogs[session.DialogKey] = session;
        using var scope = Logger.BeginScope("Call-ID {CallId}", session.CallId);
        try
        {
            handler.OnIncomingCall(session);
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Incoming call handler failed for {CallId}", session.CallId);
            session.Reject(500);
        }
    }

    private void OnRequestRace(string key)
    {
        if (_serverTransactions.TryGetValue(key, out var existing) && existing is InviteServerTransaction ist) ist.OnRetransmission();
    }

    private void OnReInvite(SipRequest invite, SipEndPoint remote, string key)
    {
        var tx = new InviteServerTransaction(invite, remote, key, this);
        if (!_serverTransactions.TryAdd(key, tx)) return;
        tx.Terminated += t => _serverTransactions.TryRemove(new KeyValuePair<string, SipTransaction>(t.Key, t));
        if (_dialogs.TryGetValue(SipDialog.DialogKey(invite.CallId!, invite.To!.Tag!, invite.From!.Tag ?? ""), out var user))
        {
            user.OnReInvite(invite, tx);
        }
        else
        {
            tx.Respond(SipResponse.CreateFor(invite, 481));
        }
    }

    // RFC 3261 §9.2: 200 to the CANCEL (same To tag as the INVITE's responses), then 487 to the INVITE; 481 if no match.
    private void OnCancel(SipRequest cancel, SipEndPoint remote, string key, SipVia via)
    {
        var tx = NewServerTransaction(cancel, remote, key);
        if (tx is null) return;
        if (_serverTransactions.TryGetValue(ServerKey(cancel, via, "INVITE"), out var inviteTx)
            && inviteTx is InviteServerTransaction ist && ist.Owner is InviteSession session)
        {
            tx.Respond(SipResponse.CreateFor(cancel, 200, null, session.LocalTag));
            session.OnCancel();
            return;
        }
        if (inviteTx is InviteServerTransaction other)
        {
            // A final response was already sent (or no session was made): 200 to the CANCEL, which changes nothing.
            tx.Respond(SipResponse.CreateFor(cancel, 200));
            if (other.Request is { } pending) other.Respond(SipResponse.CreateFor(pending, 487, null, SipIds.NewTag()));
            return;
        }
        tx.Respond(SipResponse.CreateFor(cancel, 481, null, SipIds.NewTag()));
    }

    private async Task RegisterLaterAsync(ISipRegistrar registrar, SipRequest request, SipEndPoint remote, NonInviteServerTransaction tx)
    {
        SipResponse response;
        try
        {
            response = await Task.Run(() => registrar.OnRegister(request, remote)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "REGISTER from {Remote} answered 500: the registrar failed", remote);
            response = SipResponse.CreateFor(request, 500, null, SipIds.NewTag());
        }
        tx.Respond(response);
    }

    private NonInviteServerTransaction? NewServerTransaction(SipRequest request, SipEndPoint remote, string key)
    {
        var tx = new NonInviteServerTransaction(request, remote, key, this);
        if (!_serverTransactions.TryAdd(key, tx)) return null;
        tx.Terminated += t => _serverTransactions.TryRemove(new KeyValuePair<string, SipTransaction>(t.Key, t));
        return tx;
    }

    private void RespondNew(SipRequest request, SipEndPoint remote, string key, SipResponse response)
    {
        if (request.Method == "INVITE")
        {
            var tx = new InviteServerTransaction(request, remote, key, this);
            if (!_serverTransactions.TryAdd(key, tx)) return;
            tx.Terminated += t => _serverTransactions.TryRemove(new KeyValuePair<string, SipTransaction>(t.Key, t));
            tx.Respond(response);
            return;
        }
        NewServerTransaction(request, remote, key)?.Respond(response);
    }

    /// <summary>
    /// RFC 3261 §17.2.3: branch + sent-by + method when the branch has the magic cookie; otherwise the RFC 2543 rule
    /// (Request-URI, From tag, Call-ID, CSeq number, top Via), where ACK and CANCEL look up their INVITE.
    /// </summary>
    internal static string ServerKey(SipRequest request, SipVia via, string method)
    {
        if (via.HasRfc3261Branch)
        {
            return string.Concat(via.Branch, "|", via.Host.ToLowerInvariant(), ":", (via.Port ?? 5060).ToString(CultureInfo.InvariantCulture), "|", method);
        }
        return string.Join("|", "2543", request.RequestUri.ToString(), request.From?.Tag, request.CallId,
            request.CSeq?.Number.ToString(CultureInfo.InvariantCulture), via.ToString(), method);
    }

    // RFC 3261 §18.2.1 and RFC 3581: note where the request really came from.
    private static void StampReceived(SipRequest request, SipVia via, SipEndPoint remote)
    {
        var ip = remote.EndPoint.Address.ToString();
        var stamped = via;
        if (via.HasRport) stamped = stamped.WithParameter("rport", remote.EndPoint.Port.ToString(CultureInfo.InvariantCulture)).WithParameter("received", ip);
        else if (!string.Equals(via.Host, ip, StringComparison.OrdinalIgnoreCase)) stamped = stamped.WithParameter("received", ip);
        if (ReferenceEquals(stamped, via)) return;
        request.Headers.RemoveFirst(SipHeaderNames.Via);
        request.Headers.AddFirst(SipHeaderNames.Via, stamped.ToString());
    }

    /// <summary>200 to OPTIONS with Allow, Accept and Supported (RFC 3261 §11.2).</summary>
    internal SipResponse OptionsResponse(SipRequest request, string? toTag)
    {
        var ok = SipResponse.CreateFor(request, 200, null, toTag);
        ok.Headers.Add(SipHeaderNames.Allow, Allow);
        ok.Headers.Add(SipHeaderNames.Accept, "application/sdp");
        ok.Headers.Add(SipHeaderNames.AcceptEncoding, "identity");
        ok.Headers.Add(SipHeaderNames.AcceptLanguage, "en");
        ok.Headers.Add(SipHeaderNames.Supported, "replaces");
        ok.Headers.Add(SipHeaderNames.Contact, ContactFor(SipProtocol.Udp));
        return ok;
    }

    // RFC 3261 §11.2: OPTIONS answers as an INVITE would; a draining node refuses new calls, so 503 with Retry-After
    // (§21.5.4). A dispatcher probing with OPTIONS (Kamailio's ds_probing_mode) then takes the node out of its set.
    private SipResponse Unavailable(SipRequest options)
    {
        var busy = SipResponse.CreateFor(options, 503, null, SipIds.NewTag());
        busy.Headers.Add(SipHeaderNames.RetryAfter, _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        busy.Headers.Add(SipHeaderNames.Allow, Allow);
        return busy;
    }

    private void SendStateless(SipResponse response, SipEndPoint remote)
    {
        Counters.Response(response.StatusCode);
        Send(response.ToBytes(), remote, false);
    }

    internal void RegisterClient(SipTransaction tx)
    {
        _clientTransactions[tx.Key] = tx;
        tx.Terminated += t => _clientTransactions.TryRemove(new KeyValuePair<string, SipTransaction>(t.Key, t));
    }

    internal void RegisterDialog(string key, IDialogUser user) => _dialogs[key] = user;

    internal void UnregisterDialog(string key, IDialogUser user) => _dialogs.TryRemove(new KeyValuePair<string, IDialogUser>(key, user));

    internal void SessionEnded(InviteSession session)
    {
        UnregisterDialog(session.DialogKey, session);
        Interlocked.Decrement(ref _activeCalls);
    }

    /// <summary>Sends a non-INVITE request in a client transaction and waits for its final response (408 on Timer F).</summary>
    internal async Task<SipResponse> SendRequestAsync(SipRequest request, SipEndPoint destination, CancellationToken cancellationToken)
    {
        var tx = new NonInviteClientTransaction(request, destination, this);
        RegisterClient(tx);
        tx.Start();
        return await tx.Completion.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Where an in-dialog request goes (§12.2.1.1, §8.1.2): the first route or the remote target; with no route set, over
    /// TCP the connection the dialog was made on, and for a peer behind NAT (its Contact a private address other than
    /// the one its packets come from, <see cref="SipStackSettings.NatNetworks"/>) the address the dialog was made with.
    /// </summary>
    internal async Task<SipEndPoint> DialogDestinationAsync(SipDialog dialog, SipEndPoint original, CancellationToken cancellationToken)
    {
        if (dialog.RouteSet.Count == 0
            && (original.Protocol != SipProtocol.Udp || _options.NatNetworks.IsBehindNat(dialog.RemoteTarget.Host, original.EndPoint.Address)))
        {
            return original;
        }
        try
        {
            return await ResolveAsync(dialog.NextHop, original.Protocol, cancellationToken);
        }
        catch (Exception ex) when (ex is FormatException or System.Net.Sockets.SocketException)
        {
            Logger.LogDebug(ex, "Cannot resolve {Uri}; using the peer address", dialog.NextHop);
            return original;
        }
    }

    /// <summary>RFC 3263 simplified: an IP literal or an A record, transport from the URI (TLS for sips:), the URI port or 5060 (5061 for TLS).</summary>
    internal static async Task<SipEndPoint> ResolveAsync(SipUri uri, SipProtocol defaultProtocol, CancellationToken cancellationToken)
    {
        var protocol = uri.TransportOr(defaultProtocol);
        var host = uri.Host.Trim('[', ']');
        if (!IPAddress.TryParse(host, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new FormatException("No address for " + host);
        }
        // A name (not an IP literal) is what a TLS server's certificate must carry (RFC 5922 §4).
        return new SipEndPoint(protocol, new IPEndPoint(address, uri.Port ?? (protocol == SipProtocol.Tls ? 5061 : 5060))) { Host = IPAddress.TryParse(host, out _) ? null : host };
    }

    // A message meant for TLS never falls back to a plaintext channel (RFC 5630 §3.1.3).
    private ISipChannel ChannelFor(SipProtocol protocol) =>
        _channels.FirstOrDefault(c => c.Protocol == protocol)
        ?? (protocol == SipProtocol.Tls ? throw new InvalidOperationException("The SIP stack has no TLS channel (Sip:Transports lacks tls)") : _channels.FirstOrDefault())
        ?? throw new InvalidOperationException("The SIP stack has no channel");

    /// <summary>Transport token, host and port for a Via we send (RFC 3261 §18.1.1).</summary>
    internal (string Transport, string Host, int Port) ViaFor(SipProtocol protocol)
    {
        var ep = ChannelFor(protocol).LocalEndPoint;
        return (protocol.ToString().ToUpperInvariant(), HostOf(ep.EndPoint.Address), ep.EndPoint.Port);
    }

    /// <summary>
    /// Our Contact header value for this transport (RFC 3261 §8.1.1.8); a <c>sips:</c> URI when <paramref name="sips"/>
    /// (the request was for a sips: URI, §8.2.6.2 and RFC 5630 §3.1.3), else <c>;transport=</c> for TCP and TLS.
    /// </summary>
    internal string ContactFor(SipProtocol protocol, string? user = null, bool sips = false)
    {
        // A sips: request that came over UDP or TCP: a sips: Contact must be reachable over TLS (RFC 5630 §3.1.3), so it
        // names our TLS address when we have one; without TLS a sips: Contact would be a lie, so it is a plain sip: one.
        if (sips && protocol != SipProtocol.Tls)
        {
            if (_channels.Any(c => c.Protocol == SipProtocol.Tls)) protocol = SipProtocol.Tls;
            else sips = false;
        }
        var ep = ChannelFor(protocol).LocalEndPoint;
        var uri = new SipUri(sips ? "sips" : "sip", user ?? _options.ContactUser, HostOf(ep.EndPoint.Address), ep.EndPoint.Port);
        if (!sips && protocol != SipProtocol.Udp) uri = uri.WithParameter("transport", protocol.ToString().ToLowerInvariant());
        return "<" + uri + ">";
    }

    private static string HostOf(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();

    TimeProvider ISipTransactionHost.Time => Time;

    SipTimerSettings ISipTransactionHost.Timers => Timers;

    void ISipTransactionHost.Send(byte[] message, SipEndPoint remote, bool isRetransmission) => Send(message, remote, isRetransmission);

    void ISipTransactionHost.ResponseSent(int statusCode) => Counters.Response(statusCode);

    void ISipTransactionHost.TimerFailed(Exception exception) => Logger.LogError(exception, "SIP timer callback failed");

    /// <summary>Creates a one-shot timer whose callback can never throw into the timer thread.</summary>
    internal ITimer CreateTimer(Action callback, TimeSpan due) =>
        Time.CreateTimer(_ =>
        {
            try
            {
                callback();
            }
            catch (Exception ex)
            {
                Logger.LogError(ex, "SIP timer callback failed");
            }
        }, null, due, Timeout.InfiniteTimeSpan);

    /// <summary>Hands bytes to the channel for <paramref name="remote"/>'s protocol without waiting.</summary>
    internal void Send(byte[] message, SipEndPoint remote, bool isRetransmission)
    {
        // Timers may still fire while the stack shuts down; a send then is simply dropped.
        if (_disposed) return;
        if (isRetransmission) Counters.Retransmission();
        try
        {
            var pending = ChannelFor(remote.Protocol).SendAsync(message, remote, _stopToken);
            if (!pending.IsCompletedSuccessfully) _ = ObserveAsync(pending);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            Logger.LogDebug(ex, "SIP send to {Remote} dropped", remote);
        }
    }

    private async Task ObserveAsync(ValueTask pending)
    {
        try
        {
            await pending;
        }
        catch (Exception ex)
        {
            Logger.LogDebug(ex, "SIP send failed");
        }
    }

    /// <summary>Stops the channels.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stop.CancelAsync();
        foreach (var channel in _channels) await channel.DisposeAsync();
        Counters.Dispose();
        _stop.Dispose();
    }
}
