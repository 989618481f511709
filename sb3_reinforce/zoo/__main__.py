from sb3_reinforce.zoo.run import main

if __name__ == "__main__":
    main()
