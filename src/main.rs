fn main() {
    tokenwarden::run();
}
