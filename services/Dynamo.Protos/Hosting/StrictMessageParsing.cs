using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dynamo.Protos.Hosting;

/// <summary>
/// A request that is not valid protobuf is the caller's fault: refuse it with <c>InvalidArgument</c>. grpc-dotnet
/// deserializes before any interceptor runs and reports a parse error as <c>Unknown</c> ("exception was thrown by
/// handler"), indistinguishable from a server bug.
/// </summary>
public static class StrictMessageParsing
{
    /// <summary>Binds every gRPC service of this server with request parsing that refuses malformed messages.</summary>
    public static IGrpcServerBuilder AddStrictMessageParsing(this IGrpcServerBuilder builder)
    {
        // Replaces grpc-dotnet's binder (internal BinderServiceMethodProvider<>): both would map the same routes.
        var services = builder.Services;
        int removed = 0;
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IServiceMethodProvider<>)
                && services[i].ImplementationType?.Name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal) == true)
            {
                services.RemoveAt(i);
                removed++;
            }
        }

        if (removed == 0)
        {
            throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider was not found: call AddStrictMessageParsing right after AddGrpc.");
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(StrictServiceMethodProvider<>)));
        return builder;
    }

    internal static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var parse = method.RequestMarshaller.ContextualDeserializer;
        var requests = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return parse(context);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is not a valid {typeof(TRequest).Name} message: {ex.Message}"));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requests, method.ResponseMarshaller);
    }
}

/// <summary>Discovers a service's methods through its generated <c>BindService</c>, as grpc-dotnet does, with strict request parsing.</summary>
internal sealed class StrictServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var attribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        var bind = attribute?.BindType
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == attribute.BindMethodName
                && m.GetParameters() is [var first, _] && first.ParameterType == typeof(ServiceBinderBase));
        // Without a service instance the generated code passes null handlers; the binder supplies its own.
        bind?.Invoke(null, [new Binder(context), null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(StrictMessageParsing.Strict(method), Metadata(method.Name), Invoker<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(StrictMessageParsing.Strict(method), Metadata(method.Name), Invoker<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(StrictMessageParsing.Strict(method), Metadata(method.Name), Invoker<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(StrictMessageParsing.Strict(method), Metadata(method.Name), Invoker<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)));

        private static MethodInfo Implementation(string name, Type[] parameters) =>
            typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
            ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name}.");

        private static TDelegate Invoker<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate =>
            (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), Implementation(name, parameters));

        private static List<object> Metadata(string name) =>
            [.. typeof(TService).GetCustomAttributes(inherit: true), .. typeof(TService).GetMethods().Where(m => m.Name == name).SelectMany(m => m.GetCustomAttributes(inherit: true))];
    }
}
