import Testing
@testable import TendYAML

@Suite struct NodeTests {
    @Test func nullIsPlainAndUntaggedOrTaggedNull() {
        for text in ["", "~", "null", "Null", "NULL"] {
            #expect(Node.scalar(text).isNull)
            #expect(Node(.scalar(Scalar(text)), tag: "tag:yaml.org,2002:null").isNull)
            #expect(!Node.scalar(text, style: .doubleQuoted).isNull)
            #expect(!Node(.scalar(Scalar(text)), tag: "tag:yaml.org,2002:str").isNull)
        }
        #expect(!Node.scalar("nil").isNull)
        #expect(!Node.sequence([]).isNull)
    }

    @Test func subscriptFindsTheFirstPlainKey() {
        let node = Node.mapping([
            Pair(.scalar("a"), .scalar("1")),
            Pair(.sequence([.scalar("a")]), .scalar("2")),
            Pair(.scalar("a"), .scalar("3")),
        ])
        #expect(node["a"]?.scalar?.value == "1")
        #expect(node["b"] == nil)
        #expect(Node.scalar("a")["a"] == nil)
        #expect(Node.sequence([.scalar("a")])["a"] == nil)
    }

    @Test func accessorsMatchTheContent() {
        let scalar = Node.scalar("x", style: .singleQuoted, mark: Mark(line: 2, column: 3))
        #expect(scalar.scalar == Scalar("x", style: .singleQuoted))
        #expect(scalar.sequence == nil && scalar.mapping == nil)
        #expect(scalar.mark == Mark(line: 2, column: 3))
        #expect(Node.sequence([scalar]).sequence == [scalar])
        #expect(Node.mapping([Pair(scalar, scalar)]).mapping == [Pair(scalar, scalar)])
        #expect(Node.sequence([]).scalar == nil)
    }

    @Test func kindDescriptions() {
        #expect(Node.scalar("x").kindDescription == "a scalar")
        #expect(Node.scalar("~").kindDescription == "null")
        #expect(Node.sequence([]).kindDescription == "a list")
        #expect(Node.mapping([]).kindDescription == "a mapping")
    }

    @Test func marksOrderByLineThenColumn() {
        #expect(Mark(line: 1, column: 9) < Mark(line: 2, column: 1))
        #expect(Mark(line: 2, column: 1) < Mark(line: 2, column: 2))
        #expect(!(Mark(line: 2, column: 2) < Mark(line: 2, column: 2)))
        #expect(Mark.start == Mark(line: 1, column: 1))
        #expect(Mark(line: 12, column: 34).description == "12:34")
    }

    @Test func equalityIncludesMarksStylesAndTags() {
        #expect(Node.scalar("x") != Node.scalar("x", mark: Mark(line: 2, column: 1)))
        #expect(Node.scalar("x") != Node.scalar("x", style: .doubleQuoted))
        #expect(Node.scalar("x") != Node(.scalar(Scalar("x")), tag: "!t"))
        #expect(Node.scalar("x", mark: Mark(line: 2, column: 1)).withoutMarks == Node.scalar("x"))
    }
}
