// Source-generated (AOT-safe, reflection-free) serialiser for --json output. The encoder escapes every control
// character (C0, DEL, C1) as \uXXXX, so peer text never reaches stdout raw; other Unicode is kept readable.
using System.Text.Json.Serialization;

namespace P2PChat.Ui;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatEvent))]
internal sealed partial class ChatEventJson : JsonSerializerContext;
