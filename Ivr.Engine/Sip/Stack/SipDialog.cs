using System.Globalization;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// Dialog state (RFC 3261 §12): Call-ID, local and remote tags, parties, remote target, route set and CSeq numbers,
/// and the construction of in-dialog requests (§12.2.1.1). Callers serialise access (the owning session locks).
/// </summary>
internal sealed class SipDialog
{
    private SipDialog(string callId, SipNameAddr localParty, SipNameAddr remoteParty, SipUri remoteTarget, IReadOnlyList<SipNameAddr> routeSet, uint localSeq, uint? remoteSeq)
    {
        CallId = callId;
        LocalParty = localParty;
        RemoteParty = remoteParty;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        LocalSeq = localSeq;
        RemoteSeq = remoteSeq;
    }

    public string CallId { get; }

    public SipNameAddr LocalParty { get; }

    public SipNameAddr RemoteParty { get; }

    public string LocalTag => LocalParty.Tag ?? "";

    public string RemoteTag => RemoteParty.Tag ?? "";

    public SipUri RemoteTarget { get; private set; }

    public IReadOnlyList<SipNameAddr> RouteSet { get; }

    public uint LocalSeq { get; private set; }

    public uint? RemoteSeq { get; private set; }

    /// <summary>The key the stack files this dialog under: Call-ID, local tag, remote tag (§12).</summary>
    public string Key => DialogKey(CallId, LocalTag, RemoteTag);

    public static string DialogKey(string callId, string localTag, string remoteTag) => callId + "|" + localTag + "|" + remoteTag;

    /// <summary>UAS side (§12.1.1): route set = Record-Route in order, remote target = Contact of the INVITE, remote CSeq from it.</summary>
    public static SipDialog CreateUas(SipRequest invite, string localTag)
    {
        var target = invite.Contact.Count > 0 ? invite.Contact[0].Uri : invite.From!.Uri;
        return new SipDialog(invite.CallId!, invite.To!.WithTag(localTag), invite.From!, target, invite.RecordRoute.ToArray(),
            (uint)Random.Shared.Next(1, 1 << 20), invite.CSeq!.Value.Number);
    }

    /// <summary>UAC side (§12.1.2): route set = Record-Route reversed, remote target = Contact of the 2xx, local CSeq of the INVITE.</summary>
    public static SipDialog CreateUac(SipRequest invite, SipResponse response)
    {
        var target = response.Contact.Count > 0 ? response.Contact[0].Uri : invite.RequestUri;
        return new SipDialog(invite.CallId!, invite.From!, response.To!, target, response.RecordRoute.Reverse().ToArray(),
            invite.CSeq!.Value.Number, null);
    }

    /// <summary>Where an in-dialog request goes first: the first route, or the remote target (§12.2.1.1, §8.1.2).</summary>
    public SipUri NextHop => RouteSet.Count > 0 ? RouteSet[0].Uri : RemoteTarget;

    /// <summary>
    /// RFC 3261 §12.2.1.2: a lower CSeq than the last one is out of order (answered 500); otherwise it becomes the remote CSeq.
    /// </summary>
    public bool AcceptRemoteCSeq(uint number)
    {
        if (RemoteSeq is { } last && number < last) return false;
        RemoteSeq = number;
        return true;
    }

    /// <summary>A target refresh (re-INVITE) replaces the remote target with the new Contact (§12.2.2).</summary>
    public void RefreshTarget(SipRequest request)
    {
        if (request.Contact.Count > 0) RemoteTarget = request.Contact[0].Uri;
    }

    /// <summary>
    /// Builds an in-dialog request (§12.2.1.1): To = remote party, From = local party, Call-ID, next local CSeq (ACK reuses
    /// <paramref name="ackCSeq"/>), Request-URI and Route per loose (lr) or strict routing, a new Via branch and our Contact.
    /// </summary>
    public SipRequest CreateRequest(string method, string viaTransport, string viaHost, int viaPort, string contact, uint? ackCSeq = null)
    {
        SipUri requestUri;
        IEnumerable<SipNameAddr> routes;
        if (RouteSet.Count == 0)
        {
            requestUri = RemoteTarget;
            routes = [];
        }
        else if (RouteSet[0].Uri.Parameters.Contains("lr"))
        {
            requestUri = RemoteTarget;
            routes = RouteSet;
        }
        else
        {
            requestUri = RouteSet[0].Uri;
            routes = RouteSet.Skip(1).Append(new SipNameAddr(RemoteTarget));
        }
        var cseq = ackCSeq ?? ++LocalSeq;
        var request = new SipRequest(method, requestUri);
        var h = request.Headers;
        h.Add(SipHeaderNames.Via, SipVia.Create(viaTransport, viaHost, viaPort, SipIds.NewBranch(), rport: true).ToString());
        h.Add(SipHeaderNames.MaxForwards, "70");
        h.Add(SipHeaderNames.From, LocalParty.ToString());
        h.Add(SipHeaderNames.To, RemoteParty.ToString());
        h.Add(SipHeaderNames.CallId, CallId);
        h.Add(SipHeaderNames.CSeq, cseq.ToString(CultureInfo.InvariantCulture) + " " + method);
        foreach (var route in routes) h.Add(SipHeaderNames.Route, route.ToString());
        if (method is not ("ACK" or "BYE" or "CANCEL")) h.Add(SipHeaderNames.Contact, contact);
        return request;
    }
}
