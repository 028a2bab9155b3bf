namespace Dynamo.Core.Runtime;

/// <summary>What a host drives: messages and timers in (one call at a time), effects out through the environment.</summary>
public interface IStateMachine
{
    void Handle(NodeId from, Message message);

    void OnTimer(NodeTimer timer);
}
