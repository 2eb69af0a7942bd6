print("policy")
