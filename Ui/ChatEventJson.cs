// Source-generated (AOT-safe, reflection-free) serialiser for --json output. The encoder escapes every control
// character (C0, DEL, C1) as \uXXXX, so peer text never reaches stdout raw; JsonEscapes then turns the escapes of
// readable characters (emoji, '<') back into UTF-8.
using System.Text.Json.Serialization;

namespace P2PChat.Ui;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatEvent))]
internal sealed partial class ChatEventJson : JsonSerializerContext;
