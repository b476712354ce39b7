import TendCLI

@main
enum TendMain {
    static func main() async {
        await Tend.main()
    }
}
