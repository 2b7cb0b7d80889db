"""The rules of peer support, one module a topic: questions, answers, kudos, solutions, lists."""
