"""sync: pushes to the mailing tool and each tool's state

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sync_pushes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('tool', sa.String(length=16), nullable=False),
        sa.Column('action', sa.Enum('subscribe', 'unsubscribe', 'erase', name='push_action', native_enum=False,
                                    length=16), nullable=False),
        sa.Column('subscriber_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=320), nullable=True),
        sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'skipped', 'failed', name='push_status',
                                    native_enum=False, length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'],
                                name=op.f('fk_sync_pushes_subscriber_id_subscribers'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_pushes')),
        sa.UniqueConstraint('key', name=op.f('uq_sync_pushes_key')),
    )
    with op.batch_alter_table('sync_pushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_pushes_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_pushes_subscriber_id'), ['subscriber_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_pushes_tool'), ['tool'], unique=False)
    op.create_table(
        'sync_state',
        sa.Column('tool', sa.String(length=16), nullable=False),
        sa.Column('pulled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heard_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_error_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('tool', name=op.f('pk_sync_state')),
    )


def downgrade():
    op.drop_table('sync_state')
    with op.batch_alter_table('sync_pushes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_pushes_tool'))
        batch_op.drop_index(batch_op.f('ix_sync_pushes_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_sync_pushes_status'))
    op.drop_table('sync_pushes')
