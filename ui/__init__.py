"""Browser UI for the news QA chatbot (Gradio): ask questions, see quoted sources, add articles."""
