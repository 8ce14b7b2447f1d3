"""gui/live"""
