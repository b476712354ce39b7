import Testing
@testable import TendCore

/// A plugin's SPEC becomes a schema tend checks configs with: the JSON Schema subset maps to parameter kinds,
/// and anything outside it is refused with a message naming the plugin and the type.
@Suite struct PluginSpecTests {
    static func spec(_ parameters: String, key: String = "name", name: String = "thing",
                     version: String = "1") throws -> JSON {
        try JSON.parse("""
            {"type":"SPEC","protocolVersion":\(version),"types":[{"name":"\(name)","key":"\(key)",
             "summary":"a thing","parameters":\(parameters)}]}
            """)
    }

    @Test func theSubsetMapsToParameterKinds() throws {
        let message = try Self.spec("""
            {"type":"object","required":["name","size"],"properties":{
              "name":{"type":"string","description":"the name"},
              "size":{"type":"integer"},
              "on":{"type":"boolean","default":true},
              "items":{"type":"array","items":{"type":"integer"}},
              "labels":{"type":"object"},
              "color":{"type":"string","enum":["red","blue"]},
              "token":{"type":"string","writeOnly":true}}}
            """)
        let types = try PluginTypeSpec.parse(message, plugin: "p")
        let schema = try #require(types.first?.schema)
        #expect(schema.name == "thing")
        #expect(schema.summary == "a thing (plugin p)")
        #expect(schema.keyParameter.name == "name")
        #expect(schema.parameter("name")?.summary == "the name")
        #expect(schema.parameter("size")?.kind == .int)
        #expect(schema.parameter("size")?.required == true)
        #expect(schema.parameter("on")?.kind == .bool)
        #expect(schema.parameter("on")?.defaultValue == .bool(true))
        #expect(schema.parameter("on")?.required == false)
        #expect(schema.parameter("items")?.kind == .list(.int))
        #expect(schema.parameter("labels")?.kind == .map)
        #expect(schema.parameter("color")?.allowedValues == ["red", "blue"])
        #expect(schema.parameter("token")?.sensitive == true)
        #expect(schema.parameter("name")?.sensitive == false)
        #expect(schema.example == "- type: thing\n  name: name\n  size: 1\n")
        // A CONTROL's configuration is checked against the same schema.
        #expect(schema.problems(in: ["size": .int(3), "color": .string("red")]).isEmpty)
        #expect(schema.problems(in: ["size": .string("big")])
                    == ["'size' of type thing expects an integer, got \"big\""])
        #expect(schema.problems(in: ["name": .string("other")]) == ["'name' names the resource and cannot be changed"])
    }

    @Test(arguments: [
        (#"{"type":"object","properties":{"name":{"type":"number"}}}"#, "name",
         "plugin p sent a SPEC whose type thing has a parameter 'name' of JSON Schema type \"number\"; tend reads "
            + "string, integer, boolean, array and object"),
        (#"{"type":"object","properties":{"name":{"type":"integer"}}}"#, "name",
         "plugin p sent a SPEC whose type thing has a key 'name' that is not a string"),
        (#"{"type":"object","properties":{"name":{"type":"string"}}}"#, "id",
         "plugin p sent a SPEC whose type thing names a key 'id' that is not one of its properties"),
        (#"{"type":"object","properties":{"name":{"type":"string"},"when":{"type":"string"}}}"#, "name",
         "plugin p sent a SPEC whose type thing has a parameter 'when', which every resource already has"),
        (#"{"type":"object","properties":{"name":{"type":"string","enum":[1,2]}}}"#, "name",
         "plugin p sent a SPEC whose type thing has an enum for 'name' that is not a list of strings"),
        (#"{"type":"array"}"#, "name",
         "plugin p sent a SPEC whose type thing has parameters whose JSON Schema type is \"array\", not \"object\""),
    ])
    func whatTheSubsetCannotSayIsRefused(parameters: String, key: String, message: String) throws {
        let spec = try Self.spec(parameters, key: key)
        #expect(throws: PluginError.protocolViolation(plugin: "p", message: String(message.dropFirst("plugin p ".count)))) {
            try PluginTypeSpec.parse(spec, plugin: "p")
        }
    }

    @Test func aBadNameOrVersionIsRefused() throws {
        let properties = #"{"type":"object","properties":{"name":{"type":"string"}}}"#
        #expect(throws: PluginError.protocolViolation(plugin: "p", message: "sent a SPEC with a type name '\"Bad Name\"' "
                                                       + "that is not lowercase letters, digits and hyphens")) {
            try PluginTypeSpec.parse(try Self.spec(properties, name: "Bad Name"), plugin: "p")
        }
        #expect(throws: PluginError.protocolViolation(plugin: "p", message: "sent a SPEC for protocol version '2'; "
                                                       + "this tend speaks version 1")) {
            try PluginTypeSpec.parse(try Self.spec(properties, version: "2"), plugin: "p")
        }
    }
}
