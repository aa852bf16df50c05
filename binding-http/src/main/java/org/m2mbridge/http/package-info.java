/**
 * The HTTP binding (oneM2M TS-0009): upstream CSEs reached over HTTP, the inbound HTTP server they use to reach
 * entities behind the bridge ({@code listeners.http}), and the server devices that speak HTTP use as their
 * registrar ({@code listeners.deviceHttp}).
 *
 * <h2>How notifications find the bridge (point-of-access rewrite)</h2>
 * An AE or MN-CSE behind the bridge has no HTTP server an upstream CSE could reach, so the {@code poa} it
 * registers with is useless upstream. When the bus forwards a registration (CREATE {@code <AE>} or
 * {@code <remoteCSE>}) or an update of {@code poa} to an HTTP upstream, it replaces the entity's {@code poa} by
 * {@link org.m2mbridge.http.HttpUpstream#pointOfAccess}: one bridge URL per entity,
 * {@code <listeners.http.publicUrl or bound address><http.notificationPath>/<token>}, e.g.
 * {@code http://127.0.0.1:8280/notify/3f9c...}, where the token is the bridge's opaque, stable handle of that
 * registration; it also sets {@code rr=true} so the CSE knows the entity is request-reachable (TS-0009 8 REC).
 * In the answer the entity sees its own original {@code poa} and {@code rr} again. The upstream CSE then sends
 * notifications (and any other request for that entity) as {@code POST /notify/<token>}; the inbound handler
 * looks the token up in the bus's registry, sets {@code to} to the entity's ID and puts the request on the bus,
 * which delivers it on the entity's live connection (4004 for an unknown token, 5103 when the entity is
 * registered but not connected). Requests addressed by plain oneM2M paths ({@code /~/cse/...}, {@code /_/sp/...},
 * {@code /cse-relative}) are accepted too, by the reverse path rule of TS-0009 6.2.2.1.
 *
 * <h2>Devices that speak HTTP</h2>
 * On {@code listeners.deviceHttp} each request is mapped as above and routed upstream by the route table, whatever
 * binding the upstream uses ({@link org.m2mbridge.http.DeviceRequestRoute}). A device is reached back at its own
 * http(s) {@code poa} by {@link org.m2mbridge.http.HttpDeviceLink}: its registration binds it there, and after a
 * restart its next request binds it again, which delivers what was stored for it meanwhile.
 */
package org.m2mbridge.http;
