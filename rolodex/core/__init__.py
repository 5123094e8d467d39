"""The domain and its use cases. Nothing here imports SQLAlchemy, SQLModel, Textual or Typer."""
