using Dynamo.Core.Membership;

namespace Dynamo.Core.Runtime;

/// <summary>Push-pull gossip (§4.8.1): the receiver merges the sender's view and answers with its own.</summary>
public sealed record GossipRequest(long RequestId, ClusterState State) : Message, IRequest;

public sealed record GossipReply(long RequestId, ClusterState State) : Message, IResponse;

/// <summary>Heartbeat to nodes this one shares preference lists with; arrivals feed the failure detector.</summary>
public sealed record Ping(long RequestId) : Message, IRequest;

public sealed record Pong(long RequestId) : Message, IResponse;
