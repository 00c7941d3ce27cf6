from roughcut._cli import main

main()
